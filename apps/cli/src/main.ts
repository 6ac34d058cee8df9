#!/usr/bin/env node
import { Command, InvalidArgumentError, Option } from 'commander';
import { AirlockError } from '@airlock/core';
import { scanCommand } from './scan-command.js';
import { imagesBuildCommand } from './images-command.js';
import { evalCommand } from './eval/eval-command.js';
import { EXIT } from './exit-codes.js';


function seconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > 3600) throw new InvalidArgumentError('expected seconds between 1 and 3600');
  return n;
}

const program = new Command('airlock')
  .description('Sandboxed dynamic analysis of npm packages')
  .showHelpAfterError()
  .exitOverride((err) => process.exit(err.exitCode === 0 ? EXIT.ok : EXIT.usage));

program
  .command('scan')
  .description('install and import a package inside a hardened sandbox and report what it did')
  .argument('<target>', 'npm:<name@version> (registry, with its dependency tree), a package .tgz or folder, or a Python sdist')
  .option('--json', 'print the full report as JSON')
  .option('--install-timeout <seconds>', 'time limit of the install phase', seconds, 120)
  .option('--import-timeout <seconds>', 'time limit of the import phase', seconds, 30)
  .option('--artifacts <dir>', 'where raw traces are kept', '.airlock/artifacts')
  .option('--npm-cache <dir>', 'cache of registry metadata and tarballs', '.airlock/npm-cache')
  .addOption(new Option('--fail-on <verdict>', 'exit 1 when the verdict is this or worse').choices(['malicious', 'suspicious']).default('malicious'))
  .option('--registry <url>', 'npm registry to resolve npm: targets from', process.env.AIRLOCK_NPM_REGISTRY)
  .action(async (path: string, opts) => {
    process.exitCode = await scanCommand(path, opts);
  });

program
  .command('eval')
  .description('run labelled corpora through the full pipeline and print per-sample verdicts and precision/recall/F1/MCC/FPR')
  .argument('<corpus...>', 'corpus files: a manifest.json of local samples or a JSON list of npm {name, version}')
  .option('--out <file>', 'results file; an existing one is resumed', 'eval-results.json')
  .option('--limit <n>', 'at most n samples per ecosystem and label', (v) => Number(v))
  .option('--only <text>', 'only samples whose id contains this text')
  .option('--artifacts <dir>', 'where raw traces are kept', '.airlock/artifacts')
  .option('--npm-cache <dir>', 'cache of registry metadata and tarballs', '.airlock/npm-cache')
  .action(async (corpora: string[], opts) => {
    process.exitCode = await evalCommand(corpora, opts);
  });

program
  .command('images')
  .description('sandbox images')
  .command('build')
  .description('build the sandbox images whose inputs changed (debootstrap base unless --from is given)')
  .option('--from <image>', 'build the base FROM this pulled image instead of debootstrap', process.env.AIRLOCK_BASE_FROM)
  .action(async (opts: { from?: string }) => {
    process.exitCode = await imagesBuildCommand(opts.from);
  });

program.parseAsync().catch((err: unknown) => {
  if (err instanceof AirlockError) {
    process.stderr.write(`airlock: ${err.message}\n`);
    process.exitCode = err.code === 'INVALID_INPUT' || err.code === 'ARCHIVE_REJECTED' ? EXIT.usage : EXIT.sandbox;
  } else {
    process.stderr.write(`airlock: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = EXIT.sandbox;
  }
});
