/**
 * `airlock verify <lockfile|SBOM>`: a gate on dependencies. Every package of the inventory (or, with
 * --base, only those added or changed since) gets a verdict, from the Airlock service (default) or from
 * sandbox runs here (--local); the outcome is printed, written as SARIF (one result per flagged package, at its
 * lockfile line) and OSV (one record per malicious package), and the exit code follows --fail-on.
 */
import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { AirlockError } from '@airlock/core';
import { addedOrChanged, InventoryError, locatePackages, parseInventory, type InventoryPackage } from '@airlock/inventory';
import { FLAGGED, toOsv, toSarif, type PackageFinding } from '@airlock/report';
import { connectDocker, NPM_IMAGE, resolveImage, type RuntimeName } from '@airlock/sandbox';
import { EXIT, verdictExitCode, type FailOn } from '../exit-codes.js';
import { ApiError, clientFailure, type ClientOptions } from '../service-commands.js';
import { readBaseInventory } from './base-inventory.js';
import { localVerdicts, type Verdict } from './local-verdicts.js';
import { serviceVerdicts } from './service-verdicts.js';

const run = promisify(execFile);

export interface VerifyOptions extends ClientOptions {
  base?: string;
  local?: boolean;
  concurrency: number;
  sarif?: string;
  osv?: string;
  cache: string | false;
  installTimeout: number;
  importTimeout: number;
  artifacts: string;
  npmCache: string;
  registry?: string;
  pypiIndex?: string;
  runtime?: RuntimeName;
  retry: boolean;
  failOn: FailOn;
  version: string;
}

interface Outcome {
  findings: PackageFinding[];
  /** Packages with no verdict (the analysis failed or never finished): not seen, so never passed as clean. */
  failed: { pkg: InventoryPackage; line?: number; error: string }[];
}

/** The inventory's path as the repository names it (SARIF locations are relative to the checkout's root). */
async function repoRelative(path: string): Promise<string> {
  try {
    const { stdout } = await run('git', ['-C', dirname(path), 'rev-parse', '--show-toplevel']);
    return relative(stdout.trim(), resolve(path)).split('\\').join('/');
  } catch {
    return relative(process.cwd(), resolve(path)).split('\\').join('/');
  }
}

async function verdictsFor(packages: InventoryPackage[], opts: VerifyOptions): Promise<(Verdict | Error)[]> {
  const progress = (done: number, total: number, pkg: InventoryPackage, outcome: string) =>
    process.stderr.write(`[${done}/${total}] ${pkg.ecosystem}:${pkg.name}@${pkg.version} ${outcome}\n`);
  if (!opts.local) return serviceVerdicts(packages, opts, progress);
  const docker = connectDocker();
  const image = await resolveImage(docker, NPM_IMAGE);
  return localVerdicts(packages, {
    analyze: {
      docker,
      artifactsRoot: opts.artifacts,
      ...(opts.runtime ? { runtime: opts.runtime } : {}),
      ...(opts.retry ? {} : { retry: false as const }),
      timeoutsMs: { install: opts.installTimeout * 1000, import: opts.importTimeout * 1000 },
    },
    npmCache: opts.npmCache,
    ...(opts.registry ? { registry: opts.registry } : {}),
    ...(opts.pypiIndex ? { pypiIndex: opts.pypiIndex } : {}),
    concurrency: opts.concurrency,
    ...(opts.cache ? { cacheFile: opts.cache } : {}),
    madeBy: `${image.inputsHash} ${opts.runtime ?? 'gvisor'} airlock ${opts.version}`,
    reportsDir: join(opts.artifacts, 'verify'),
    onProgress: progress,
  });
}

function summary(outcome: Outcome, checked: number, skipped: number): string {
  const count = (v: string) => outcome.findings.filter((f) => f.verdict === v).length;
  const lines = [
    `${checked} package(s) checked: ${count('malicious')} malicious, ${count('inconclusive')} inconclusive, ${count('suspicious')} suspicious, ${count('benign')} benign, ${outcome.failed.length} without a verdict`,
  ];
  for (const f of outcome.findings.filter((x) => FLAGGED.includes(x.verdict))) {
    lines.push(`${f.verdict.toUpperCase()}  ${f.ecosystem}:${f.name}@${f.version}${f.line ? ` (line ${f.line})` : ''}  score ${f.score}`);
    for (const r of f.reasons.slice(0, 5)) lines.push(`  - ${r.rule}: ${r.explanation}`);
    for (const n of f.notObserved.filter((x) => x.hidesBehaviour)) lines.push(`  not observed: ${n.message}`);
    if (f.reportUri) lines.push(`  report: ${f.reportUri}`);
  }
  for (const f of outcome.failed) lines.push(`NO VERDICT  ${f.pkg.ecosystem}:${f.pkg.name}@${f.pkg.version}: ${f.error}`);
  if (skipped > 0)
    lines.push(
      `${skipped} entr${skipped === 1 ? 'y is' : 'ies are'} not registry packages at exact versions and were not checked (see --json)`,
    );
  return lines.join('\n');
}

/** Worst first: a malicious package fails the gate even when another could not be analysed. */
function exitCode(outcome: Outcome, failOn: FailOn): number {
  if (outcome.findings.some((f) => f.verdict === 'malicious')) return EXIT.findings;
  if (outcome.failed.length > 0) return EXIT.sandbox;
  const codes = outcome.findings.map((f) => verdictExitCode(f.verdict, failOn));
  if (codes.includes(EXIT.inconclusive)) return EXIT.inconclusive;
  if (codes.includes(EXIT.findings)) return EXIT.findings;
  return EXIT.ok;
}

async function readInventory(path: string, base: string | undefined) {
  const text = await readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new AirlockError('INVALID_INPUT', `cannot read ${path}: ${err.code ?? err.message}`);
  });
  try {
    const parsed = parseInventory(path, text);
    let packages = parsed.packages;
    if (base !== undefined) {
      const baseText = await readBaseInventory(base, path);
      packages = addedOrChanged(packages, baseText.trim() === '' ? [] : parseInventory(path, baseText, parsed.format).packages);
    }
    return { text, parsed, packages };
  } catch (err) {
    if (err instanceof InventoryError) throw new AirlockError('INVALID_INPUT', `${path}: ${err.message}`, { cause: err });
    throw err;
  }
}

/** One inventory verified: its verdicts, and what the gate reports (failed packages shown as inconclusive). */
export interface VerifyResult extends Outcome {
  path: string;
  format: string;
  checked: number;
  skipped: { name: string; spec: string; reason: string }[];
  /** Findings plus packages without a verdict as `inconclusive`: what SARIF and OSV carry. */
  reported: PackageFinding[];
  exitCode: number;
}

/** Reads, diffs and gets verdicts for one inventory; ApiError (service down, key refused) propagates. */
export async function verifyInventory(path: string, opts: VerifyOptions): Promise<VerifyResult> {
  const { text, parsed, packages } = await readInventory(path, opts.base);
  const lines = locatePackages(parsed.format, text, packages);
  const verdicts = await verdictsFor(packages, opts);
  const outcome: Outcome = { findings: [], failed: [] };
  verdicts.forEach((v, i) => {
    const line = lines[i];
    if (v instanceof Error) outcome.failed.push({ pkg: packages[i]!, ...(line ? { line } : {}), error: v.message });
    else outcome.findings.push({ ...v, ...(line ? { line } : {}) });
  });
  // A package without a verdict was not seen: SARIF shows it as inconclusive, never leaves it out.
  const reported: PackageFinding[] = [
    ...outcome.findings,
    ...outcome.failed.map(({ pkg, line, error }) => ({
      ecosystem: pkg.ecosystem,
      name: pkg.name,
      version: pkg.version,
      ...(line ? { line } : {}),
      verdict: 'inconclusive' as const,
      score: 0,
      reasons: [],
      notObserved: [{ message: `no verdict: ${error}`, hidesBehaviour: true }],
    })),
  ];
  return {
    ...outcome,
    path,
    format: parsed.format,
    checked: packages.length,
    skipped: parsed.skipped,
    reported,
    exitCode: exitCode(outcome, opts.failOn),
  };
}

/** The SARIF log of one inventory's findings, located relative to its repository. */
export async function sarifOf(reported: PackageFinding[], path: string, version: string): Promise<{ runs: unknown[] }> {
  return toSarif(reported, { inventoryUri: await repoRelative(path), toolVersion: version }) as { runs: unknown[] };
}

export async function writeJsonFile(file: string, value: unknown): Promise<void> {
  await mkdir(dirname(resolve(file)), { recursive: true });
  await writeFile(file, `${JSON.stringify(value, null, 2)}\n`);
}

export async function verifyCommand(path: string, opts: VerifyOptions): Promise<number> {
  let result: VerifyResult;
  try {
    result = await verifyInventory(path, opts);
  } catch (err) {
    if (err instanceof ApiError) return clientFailure('verify', err);
    throw err;
  }
  if (opts.sarif) await writeJsonFile(opts.sarif, await sarifOf(result.reported, result.path, opts.version));
  if (opts.osv) {
    await mkdir(opts.osv, { recursive: true });
    for (const record of toOsv(result.reported, { modified: new Date().toISOString() }) as { id: string }[])
      await writeJsonFile(join(opts.osv, `${record.id}.json`), record);
  }
  if (opts.json) {
    const { path: inventory, format, checked, findings, failed, skipped } = result;
    process.stdout.write(`${JSON.stringify({ inventory, format, checked, findings, failed, skipped }, null, 2)}\n`);
  } else process.stdout.write(`${summary(result, result.checked, result.skipped.length)}\n`);
  return result.exitCode;
}
