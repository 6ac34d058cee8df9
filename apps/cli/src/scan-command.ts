import {
  signalPolicyFromSettings,
  analyzeLocalPackage,
  analyzeNpmSpec,
  analyzePypiSpec,
  pythonDependencySource,
  viewPolicyOptions,
  type ViewPolicy,
} from '@airlock/analysis';
import { renderReportHtml, renderReportText } from '@airlock/report';
import { readFile, writeFile } from 'node:fs/promises';
import { AirlockError, envInt, type SandboxReport } from '@airlock/core';
import { WarmPool, connectDocker, settleTeardowns, type RuntimeName } from '@airlock/sandbox';
import { loadNpmrc } from '@airlock/registry';
import { EXIT, verdictExitCode, type FailOn } from './exit-codes.js';
import { createLogger } from './logger.js';
import { progressLine } from './progress-line.js';
import { colourEnabled, paintVerdict } from './terminal.js';

export interface ScanOptions {
  json?: boolean;
  /** Also write the report as a self-contained HTML page here. */
  html?: string;
  installTimeout: number;
  importTimeout: number;
  artifacts: string;
  npmCache: string;
  registry?: string;
  /** An .npmrc whose registry, scoped registries and tokens npm: targets use. */
  npmrc?: string;
  /** The organization's internal names and scopes (`@acme,acme-*,billing-core`): dependency confusion. */
  internal?: string;
  /** A folder of OSV `MAL-` documents: known-malicious matches. */
  osv?: string;
  /** A JSON report of the previous version (airlock scan --json): what the update newly does scores. */
  previous?: string;
  /** PyPI index for `pypi:` targets (default https://pypi.org, or AIRLOCK_PYPI_INDEX). */
  pypiIndex?: string;
  /** `--pypi-wheels`: a folder of wheels for Python dependencies. */
  pypiWheels?: string;
  /** `pypi:` targets: analyse the pure-Python wheel instead of the sdist. */
  wheel?: boolean;
  failOn: FailOn;
  /** gVisor (default) or runc. */
  runtime?: RuntimeName;
  /** false (`--no-retry`): an inconclusive first run is final. */
  retry: boolean;
  /** `--no-time-view`, `--no-call-view`: that view never runs, whatever `--views` says. */
  timeView: boolean;
  callView: boolean;
  /** `--views`: extra views as the planner decides (auto), all, or none. */
  views?: ViewPolicy;
}

/** `airlock scan`: one package through the sandbox, report printed. Ctrl-C removes the container. */
export async function scanCommand(path: string, opts: ScanOptions): Promise<number> {
  // On a terminal, the progress line says what is happening; the info logs stay out of its way.
  const progress = progressLine(process.stderr);
  const log = createLogger(process.stderr.isTTY ? 'warn' : 'info');
  const controller = new AbortController();
  const onSignal = () => {
    log.warn('interrupted: removing the sandbox container');
    controller.abort();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const docker = connectDocker();
  // Off unless AIRLOCK_WARM_POOL is set: one scan has nothing to overlap a pair's making with but its next view.
  const pool = new WarmPool(docker, envInt(process.env, 'AIRLOCK_WARM_POOL', 0, 0), {
    log: (message, fields) => log.warn(fields ?? {}, message),
  });
  try {
    const signalPolicy = await signalPolicyFromSettings({
      ...(opts.internal ? { internalNamespaces: opts.internal } : {}),
      ...(opts.osv ? { osvDir: opts.osv } : {}),
    });
    const common = {
      signalPolicy,
      ...(opts.previous ? { previousReport: await readReport(opts.previous) } : {}),
      docker,
      artifactsRoot: opts.artifacts,
      ...(opts.runtime ? { runtime: opts.runtime } : {}),
      ...(opts.retry ? {} : { retry: false as const }),
      ...viewPolicyOptions(opts.views ?? 'auto'),
      ...(opts.timeView ? {} : { timeView: false as const }),
      ...(opts.callView ? {} : { callView: false }),
      timeoutsMs: { install: opts.installTimeout * 1000, import: opts.importTimeout * 1000 },
      signal: controller.signal,
      // A view's containers go while the next view runs; the command waits for them before it ends (below).
      deferTeardown: true,
      pool,
      log: (message: string, fields?: Record<string, unknown>) => log.debug(fields ?? {}, message),
      onProgress: progress.update,
    };
    // `npm:<spec>` is a registry package with its dependency tree, `pypi:<name>[==version]` a PyPI
    // release (sdist or wheel) with its dependencies' wheels; anything else is a local path (an npm archive
    // with its registry dependencies from the same registry settings, a Python one with its wheels).
    const npm = {
      cacheDir: opts.npmCache,
      ...(opts.registry ? { registry: opts.registry } : {}),
      ...(opts.npmrc ? { npmrc: loadNpmrc(opts.npmrc) } : {}),
    };
    const pypi = pythonDependencySource({ wheels: opts.pypiWheels, index: opts.pypiIndex });
    const report = path.startsWith('npm:')
      ? await analyzeNpmSpec(path.slice(4), { ...common, ...npm })
      : path.startsWith('pypi:')
        ? await analyzePypiSpec(path.slice(5), {
            ...common,
            kind: opts.wheel ? 'wheel' : 'sdist',
            ...(opts.pypiIndex ? { index: opts.pypiIndex } : {}),
            ...(pypi ? { pypi } : {}),
          })
        : await analyzeLocalPackage(path, { ...common, npm, ...(pypi ? { pypi } : {}) });
    progress.stop();
    log.info(
      {
        analysisId: report.id,
        package: `${report.package.name}@${report.package.version}`,
        phases: Object.fromEntries(report.phases.map((p) => [p.name, p.status])),
        processes: report.processes.length,
        sensitiveFiles: report.sensitiveFiles.length,
        totalMs: report.timings.totalMs,
        verdict: report.verdict?.verdict,
        score: report.verdict?.score,
      },
      'analysis done',
    );
    const colour = colourEnabled(process.stdout, process.env);
    const text = () => renderReportText(report, { verdict: (verdict, line) => paintVerdict(colour, verdict, line) });
    process.stdout.write(opts.json ? `${JSON.stringify(report, null, 2)}\n` : `${text()}\n`);
    if (opts.html) await writeFile(opts.html, renderReportHtml(report));
    // Like npm audit and osv-scanner: findings at or above --fail-on make the exit code non-zero.
    if (!report.verdict) return EXIT.sandbox;
    return verdictExitCode(report.verdict.verdict, opts.failOn);
  } finally {
    progress.stop();
    await pool.drain();
    await settleTeardowns();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** A saved report (airlock scan --json); a file that is not one is a usage error, not a crash. */
async function readReport(path: string): Promise<SandboxReport> {
  let report: SandboxReport;
  try {
    report = JSON.parse(await readFile(path, 'utf8')) as SandboxReport;
  } catch (err) {
    throw new AirlockError('INVALID_INPUT', `--previous ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  if (typeof report?.package?.name !== 'string' || !Array.isArray(report.processes) || !report.network)
    throw new AirlockError('INVALID_INPUT', `--previous ${path} is not an Airlock report`);
  return report;
}
