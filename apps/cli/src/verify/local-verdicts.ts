/**
 * `airlock verify --local`: each package analysed here, in the sandbox, N at once. Verdicts are kept in a
 * cache file keyed by package version, with the sandbox image and Airlock version that made them: a second
 * verify of the same lockfile runs nothing, and a verdict made by other images or another version is made again.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { analyzeNpmSpec, analyzePypiSpec, runParallel, type AnalyzeOptions } from '@airlock/analysis';
import type { SandboxReport } from '@airlock/core';
import type { InventoryPackage } from '@airlock/inventory';
import type { PackageFinding } from '@airlock/report';

export type Verdict = Omit<PackageFinding, 'line'>;

export interface LocalVerdictOptions {
  analyze: AnalyzeOptions;
  npmCache: string;
  registry?: string;
  pypiIndex?: string;
  concurrency: number;
  /** Cache file of verdicts made here; absent: no cache. */
  cacheFile?: string;
  /** The sandbox image and Airlock version: a cached verdict counts only if it was made by the same. */
  madeBy: string;
  /** Where reports are written, one JSON file per package. */
  reportsDir: string;
  onProgress: (done: number, total: number, pkg: InventoryPackage, outcome: string) => void;
}

interface CachedVerdict {
  verdict: Verdict;
  madeBy: string;
}

const keyOf = (p: InventoryPackage): string => `${p.ecosystem}:${p.name}@${p.version}`;

async function readCache(file: string | undefined): Promise<Record<string, CachedVerdict>> {
  if (!file) return {};
  try {
    return JSON.parse(await readFile(file, 'utf8')) as Record<string, CachedVerdict>;
  } catch {
    return {}; // absent or unreadable: every package is analysed again, nothing is trusted
  }
}

function verdictOf(pkg: InventoryPackage, report: SandboxReport, reportUri: string): Verdict {
  const verdict = report.verdict;
  return {
    ecosystem: pkg.ecosystem,
    name: pkg.name,
    version: pkg.version,
    // An unscored report could not be read: never clean.
    verdict: verdict?.verdict ?? 'inconclusive',
    score: verdict?.score ?? 0,
    reasons: (verdict?.reasons ?? []).map((r) => ({ rule: r.rule, severity: r.severity, explanation: r.explanation })),
    notObserved: (verdict?.notObserved ?? []).map((n) => ({ message: n.message, hidesBehaviour: n.hidesBehaviour })),
    reportUri,
  };
}

async function analyze(pkg: InventoryPackage, opts: LocalVerdictOptions): Promise<SandboxReport> {
  if (pkg.ecosystem === 'npm')
    return analyzeNpmSpec(`${pkg.name}@${pkg.version}`, {
      ...opts.analyze,
      cacheDir: opts.npmCache,
      ...(opts.registry ? { registry: opts.registry } : {}),
    });
  return analyzePypiSpec(`${pkg.name}==${pkg.version}`, {
    ...opts.analyze,
    kind: 'sdist',
    ...(opts.pypiIndex ? { index: opts.pypiIndex } : {}),
  });
}

/** A verdict per package (input order); a package whose analysis failed is an Error in its place. */
export async function localVerdicts(packages: readonly InventoryPackage[], opts: LocalVerdictOptions): Promise<(Verdict | Error)[]> {
  const cache = await readCache(opts.cacheFile);
  let done = 0;
  const results = await runParallel(
    packages,
    opts.concurrency,
    async (pkg) => {
      const cached = cache[keyOf(pkg)];
      if (cached?.madeBy === opts.madeBy) return { verdict: cached.verdict, cached: true };
      const report = await analyze(pkg, opts);
      const file = resolve(join(opts.reportsDir, `${keyOf(pkg).replace(/[^A-Za-z0-9._@-]/g, '_')}.json`));
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, JSON.stringify(report));
      const verdict = verdictOf(pkg, report, file);
      cache[keyOf(pkg)] = { verdict, madeBy: opts.madeBy };
      return { verdict, cached: false };
    },
    (result, pkg) => {
      done++;
      const outcome = result.ok
        ? `${result.value.verdict.verdict}${result.value.cached ? ' (cached)' : ''}`
        : `failed: ${result.error.message}`;
      opts.onProgress(done, packages.length, pkg, outcome);
    },
  );
  if (opts.cacheFile) {
    await mkdir(dirname(opts.cacheFile), { recursive: true });
    await writeFile(opts.cacheFile, JSON.stringify(cache, null, 2));
  }
  return results.map((r) => (r.ok ? r.value.verdict : r.error));
}
