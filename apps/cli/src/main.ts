#!/usr/bin/env node
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { VIEW_POLICIES } from '@airlock/analysis';
import { AirlockError } from '@airlock/core';
import { RUNTIME_NAMES, runtimeFromSetting } from '@airlock/sandbox';
import { scanCommand } from './scan-command.js';
import { imagesBuildCommand } from './images-command.js';
import { evalCommand } from './eval/eval-command.js';
import { baselineLearnCommand } from './baseline-command.js';
import { DEFAULT_FAIL_ON, EXIT, EXIT_CODES_HELP, FAIL_ON } from './exit-codes.js';
import { statusCommand, submitCommand } from './service-commands.js';
import { verifyCommand } from './verify/verify-command.js';
import { verifyChangesCommand } from './verify/verify-changes.js';

/** `--views`: which extra views run (CI profile, time, calls, Windows, macOS): as the planner decides, all, or none. */
function viewsOption(): Option {
  return new Option('--views <views>', 'extra views (CI profile, time, calls, Windows, macOS): auto (the planner decides), all, none')
    .choices([...VIEW_POLICIES])
    .default('auto');
}

/** `--runtime`: gVisor unless asked otherwise (runc: strace inside the container, a record the package can alter). */
function runtimeOption(): Option {
  return new Option('--runtime <runtime>', 'container runtime: gvisor (record taken on the host) or runc (strace inside; alterable)')
    .choices([...RUNTIME_NAMES])
    .default(runtimeFromSetting(process.env.AIRLOCK_RUNTIME), 'AIRLOCK_RUNTIME, else gvisor');
}

/**
 * An option whose default comes from the environment. Help shows the variable's name, never its value:
 * `airlock submit --help` must not print an API key or a registry token into a CI log.
 */
function fromEnv(flags: string, description: string, variable: string): Option {
  return new Option(flags, description).env(variable);
}

/** `--pypi-wheels`: a folder of wheels for Python packages' dependencies (a mirror, an offline machine), before any index. */
function pypiWheelsOption(): Option {
  return fromEnv(
    '--pypi-wheels <dir>',
    "a folder of wheels that Python packages' dependencies are installed from (as pip's --find-links), before --pypi-index; " +
      'the fake internet also serves it as pypi.org to package code that runs pip itself (unless AIRLOCK_PYPI_MIRROR names another)',
    'AIRLOCK_PYPI_WHEELS',
  ).argParser((dir: string) => {
    // The sandbox pairs (warm pool included) read it when they are made (network-owner.ts).
    process.env.AIRLOCK_PYPI_MIRROR ??= resolve(dir);
    return dir;
  });
}

function seconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > 3600) throw new InvalidArgumentError('expected seconds between 1 and 3600');
  return n;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new InvalidArgumentError('expected a whole number from 1 to 64');
  return n;
}

const { version } = createRequire(import.meta.url)('../package.json') as { version: string };

const EXAMPLES = `
Examples (from the checkout; \`npm run airlock -- <args>\` and \`npx --no airlock <args>\` run the same linked bin):
  airlock scan ./my-package                 install and import a package folder or .tgz in the sandbox
  airlock scan npm:chalk@4.1.2 --json       a registry version with its dependency tree, the report as JSON
  airlock scan pypi:requests==2.32.3        a PyPI release's sdist
  airlock scan pkg.tgz --html report.html   also write the report as one self-contained page
  airlock submit npm:left-pad@1.3.0 --wait  ask the Airlock service, wait for the verdict (prints a signed link to its page)
  airlock status an_... --html report.html  an analysis of the service, its page written with your API key
  airlock verify package-lock.json --base origin/main --sarif airlock.sarif
                                            the packages a change adds, checked by the service, as SARIF
  airlock verify poetry.lock --local -j 2   every package, analysed here two at a time

On a terminal, scan shows what it is doing on stderr (step, view, elapsed time), and verdicts are in colour;
piped, nothing but the report and the logs. NO_COLOR=1 turns colour off, FORCE_COLOR=1 on (FORCE_COLOR=0 off).`;

const program = new Command('airlock')
  .description('Sandboxed dynamic analysis of npm and PyPI packages')
  .version(version, '-V, --version')
  .showHelpAfterError()
  .addHelpText('after', `${EXAMPLES}\n${EXIT_CODES_HELP}`)
  .exitOverride((err) => process.exit(err.exitCode === 0 ? EXIT.ok : EXIT.usage));

program
  .command('scan')
  .description('install and import a package inside a hardened sandbox and report what it did')
  .argument(
    '<target>',
    'npm:<name@version> (registry, with its dependency tree), pypi:<name[==version]>, a package .tgz or folder, a Python sdist or wheel',
  )
  .option('--json', 'print the full report as JSON')
  .option('--html <file>', 'also write the report as a self-contained HTML page (no script, nothing external)')
  .option('--install-timeout <seconds>', 'time limit of the install phase', seconds, 120)
  .option('--import-timeout <seconds>', 'time limit of the import phase', seconds, 30)
  .option('--artifacts <dir>', 'where raw traces are kept', '.airlock/artifacts')
  .option('--npm-cache <dir>', 'cache of registry metadata and tarballs', '.airlock/npm-cache')
  .addOption(
    new Option('--fail-on <verdict>', 'the gate: exit non-zero at this verdict or worse (malicious < inconclusive < suspicious)')
      .choices(FAIL_ON)
      .default(DEFAULT_FAIL_ON),
  )
  .addOption(fromEnv('--registry <url>', 'npm registry to resolve npm: targets from', 'AIRLOCK_NPM_REGISTRY'))
  .addOption(
    fromEnv(
      '--internal <list>',
      "your organization's internal scopes, name prefixes and names (@acme,acme-*,billing-core): public packages using them are flagged",
      'AIRLOCK_INTERNAL_NAMESPACES',
    ),
  )
  .addOption(fromEnv('--osv <dir>', 'a folder of OSV MAL- documents (ossf/malicious-packages): known-malicious matches', 'AIRLOCK_OSV_DIR'))
  .option(
    '--previous <report.json>',
    'the JSON report of the previous version: new destinations, credential reads and programs in the update score',
  )
  .addOption(
    fromEnv(
      '--npmrc <file>',
      'an .npmrc with registry=, @scope:registry= and //host/:_authToken= lines (private and scoped registries)',
      'AIRLOCK_NPMRC',
    ),
  )
  .addOption(
    fromEnv(
      '--pypi-index <url>',
      'PyPI index for pypi: targets and Python dependencies (JSON API or PEP 691 simple API)',
      'AIRLOCK_PYPI_INDEX',
    ),
  )
  .addOption(pypiWheelsOption())
  .option('--wheel', 'pypi: targets: analyse the pure-Python wheel instead of the sdist')
  .option('--no-retry', 'an inconclusive run is final (default: run once more with phase limits x2 and a 60 s dwell)')
  .option('--no-time-view', 'never run the time view (clock +3 d / +30 d, ten times faster)')
  .option('--no-call-view', "never run the call view (the package's exports called after the import)")
  .addOption(viewsOption())
  .addOption(runtimeOption())
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
  .addOption(
    new Option('--split <split>', 'benign samples of this split (malicious samples are kept whole)')
      .choices(['train', 'test', 'all'])
      .default('test'),
  )
  .option('-j, --concurrency <n>', 'samples run at once (each takes one CPU and up to 2 GiB)', (v) => positiveInt(v), 1)
  .option('--rescore', 'score the kept reports of samples already in --out again (current scorer and baseline; nothing is run again)')
  .addOption(fromEnv('--pypi-index <url>', "Python samples' dependencies from this index (PEP 691 simple API)", 'AIRLOCK_PYPI_INDEX'))
  .addOption(pypiWheelsOption())
  .addOption(viewsOption())
  .addOption(runtimeOption())
  .action(async (corpora: string[], opts) => {
    process.exitCode = await evalCommand(corpora, opts);
  });

program
  .command('baseline')
  .description('known-normal behaviour')
  .command('learn')
  .description("learn the baseline from a benign corpus's train split (full pipeline, resumable) plus the empty-package control run")
  .argument('<corpus...>', 'benign corpus files of one ecosystem (the eval corpus formats)')
  .option('--out <file>', "the learned data file (default: the ecosystem's, packages/scoring/data/baseline-<ecosystem>.json)")
  .option('--results <file>', 'per-sample results; an existing one is resumed', '.airlock/baseline/train-results.json')
  .option('--limit <n>', 'at most n training samples', (v) => Number(v))
  .option('--only <text>', 'only samples whose id contains this text')
  .option('--min-packages <n>', 'keep a signature seen in at least n distinct packages', (v) => Number(v), 2)
  .option('--artifacts <dir>', 'where raw traces and reports are kept', '.airlock/artifacts')
  .option('--npm-cache <dir>', 'cache of registry metadata and tarballs', '.airlock/npm-cache')
  .option('--control-cache <dir>', 'where control runs are cached per image inputs-hash (default ~/.cache/airlock)')
  .option('-j, --concurrency <n>', 'training samples run at once (each takes one CPU and up to 2 GiB)', (v) => positiveInt(v), 1)
  .addOption(fromEnv('--pypi-index <url>', "Python samples' dependencies from this index (PEP 691 simple API)", 'AIRLOCK_PYPI_INDEX'))
  .addOption(pypiWheelsOption())
  .action(async (corpora: string[], opts) => {
    process.exitCode = await baselineLearnCommand(corpora, opts);
  });

const clientOptions = (command: Command) =>
  command
    .addOption(fromEnv('--api <url>', 'the Airlock API', 'AIRLOCK_API_URL').default('http://127.0.0.1:8080'))
    .addOption(fromEnv('--key <key>', 'organization API key', 'AIRLOCK_API_KEY'))
    .option('--json', 'print the analysis as JSON')
    .option('--wait', 'wait until the analysis has finished')
    .addOption(fromEnv('--timeout <seconds>', 'how long to wait for verdicts', 'AIRLOCK_TIMEOUT').argParser(seconds).default(1800))
    .addOption(
      new Option('--fail-on <verdict>', 'the gate: exit non-zero at this verdict or worse (malicious < inconclusive < suspicious)')
        .choices(FAIL_ON)
        .default(DEFAULT_FAIL_ON),
    );

clientOptions(
  program
    .command('submit')
    .description('submit a package to the Airlock service (REST API) instead of scanning here')
    .argument('<target>', 'npm:<name>@<version>, pypi:<name>==<version>, or an archive to upload (.tgz, .tar.gz, .zip, .whl)')
    .option('--force', 'run again even when a verdict is known'),
).action(async (target: string, opts) => {
  process.exitCode = await submitCommand(target, opts);
});

clientOptions(
  program
    .command('status')
    .description('show an analysis of the Airlock service: status, verdict and reasons')
    .argument('<id>', 'the analysis id printed by airlock submit')
    .option('--report', 'print the full report (JSON)')
    .option('--html <file>', "write the analysis's report as a self-contained HTML page (your organization's view)"),
).action(async (id: string, opts) => {
  process.exitCode = await statusCommand(id, opts);
});

/** What a lockfile gate needs: the service client's options, and those of sandbox runs here (--local). */
const gateOptions = (command: Command) =>
  clientOptions(command)
    .option('--local', 'analyse unknown packages here in the sandbox instead of asking the service')
    .option('-j, --concurrency <n>', '--local: sandboxes at once', (v) => positiveInt(v), 1)
    .option('--cache <file>', '--local: verdicts kept between runs (per image and Airlock version)', '.airlock/verify-cache.json')
    .option('--no-cache', '--local: analyse every package again')
    .option('--install-timeout <seconds>', '--local: time limit of the install phase', seconds, 120)
    .option('--import-timeout <seconds>', '--local: time limit of the import phase', seconds, 30)
    .option('--artifacts <dir>', '--local: where raw traces and reports are kept', '.airlock/artifacts')
    .option('--npm-cache <dir>', '--local: cache of registry metadata and tarballs', '.airlock/npm-cache')
    .addOption(fromEnv('--registry <url>', '--local: npm registry to fetch packages from', 'AIRLOCK_NPM_REGISTRY'))
    .addOption(fromEnv('--pypi-index <url>', '--local: PyPI index (JSON API or PEP 691 simple API)', 'AIRLOCK_PYPI_INDEX'))
    .option('--no-retry', '--local: an inconclusive run is final')
    .addOption(runtimeOption());

gateOptions(
  program
    .command('verify')
    .description('check every package of a lockfile or SBOM (or only those added or changed against --base) and gate on the verdicts')
    .argument(
      '<inventory>',
      'package-lock.json, npm-shrinkwrap.json, yarn.lock, pnpm-lock.yaml, requirements*.txt, poetry.lock, CycloneDX or SPDX JSON',
    )
    .option(
      '--base <file|git-rev>',
      'only packages added or changed since this file or git revision of the same path (a pull request base)',
    )
    .option('--sarif <file>', 'write SARIF 2.1.0: one result per flagged package, at its lockfile line')
    .option('--osv <dir>', 'write one OSV record per malicious package into this folder'),
).action(async (inventory: string, opts) => {
  process.exitCode = await verifyCommand(inventory, { ...opts, version });
});

gateOptions(
  program
    .command('verify-changes')
    .description(
      'the pull-request gate (action.yml): verify every lockfile or SBOM changed since --base, one SARIF log, a Markdown summary',
    )
    .option('--base <git-rev>', 'the revision the change is compared with (default: origin/$GITHUB_BASE_REF)')
    .option('--repo <dir>', 'the git checkout', '.')
    .option('--sarif <file>', 'the SARIF log to write (one run per changed inventory)', 'airlock.sarif')
    .addOption(fromEnv('--summary <file>', 'append the Markdown summary to this file', 'GITHUB_STEP_SUMMARY')),
).action(async (opts) => {
  process.exitCode = await verifyChangesCommand({ ...opts, version });
});

program
  .command('images')
  .description('sandbox images')
  .command('build')
  .description('build the sandbox images whose inputs changed (debootstrap base unless --from is given)')
  .addOption(fromEnv('--from <image>', 'build the base FROM this pulled image instead of debootstrap', 'AIRLOCK_BASE_FROM'))
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
