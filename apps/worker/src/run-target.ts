/** Runs one analysis target through the pipeline: registry packages are fetched, uploads read from the volume. */
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { AirlockError, type SandboxReport } from '@airlock/core';
import { analyzeLocalPackage, analyzeNpmSpec, analyzePypiSpec, pythonDependencySource, viewPolicyOptions } from '@airlock/analysis';
import type { AnalysisTarget } from '@airlock/queue';
import { previousVersion, privateRegistryNpmrc, serviceNpmOptions, type FetchNpmOptions } from '@airlock/registry';
import { openNpmRegistry } from '@airlock/store';
import type { WorkerContext } from './context.js';

export async function runTarget(ctx: WorkerContext, target: AnalysisTarget, signal: AbortSignal): Promise<SandboxReport> {
  const { config } = ctx;
  // A private package is compared with nothing public: its name may mean another package there.
  const previousReport = target.kind === 'registry' && !target.privateTo ? await previousVersionReport(ctx, target) : null;
  const common = {
    ...(previousReport ? { previousReport } : {}),
    docker: ctx.docker,
    artifactsRoot: join(config.dataDir, 'artifacts'),
    maxDiskBytes: config.maxDiskBytes,
    parserMemoryMb: config.parserMemoryMb,
    signal,
    workerId: ctx.workerId,
    // The containers go in the background while the verdict is scored and stored; close() waits for them.
    deferTeardown: true,
    ...(ctx.pool ? { pool: ctx.pool } : {}),
    signalPolicy: ctx.signalPolicy,
    timeoutsMs: {
      ...(config.installTimeoutMs ? { install: config.installTimeoutMs } : {}),
      ...(config.importTimeoutMs ? { import: config.importTimeoutMs } : {}),
    },
    retry: config.retryDwellMs > 0 ? { dwellMs: config.retryDwellMs } : (false as const),
    ...viewPolicyOptions(config.views),
    log: (message: string, fields?: Record<string, unknown>) =>
      ctx.log.debug({ ...fields, package: `${target.name}@${target.version}` }, message),
  };
  if (target.kind === 'archive') {
    const expiredAt = await access(target.path).then(
      () => null,
      () => ctx.store.retention.uploadExpiredAt(target.sha256),
    );
    if (expiredAt) {
      throw new AirlockError(
        'INVALID_INPUT',
        `the uploaded archive ${target.fileName} was deleted by the upload retention (AIRLOCK_UPLOAD_RETENTION_DAYS) at ${expiredAt}: upload it again`,
      );
    }
    // An upload's registry dependencies come from the service's registry, as a registry package's tree does.
    const pypi = pythonDependencySource({ wheels: config.pypiWheels, index: config.pypiIndex });
    return analyzeLocalPackage(target.path, { ...common, npm: serviceNpmOptions(config), ...(pypi ? { pypi } : {}) });
  }
  if (target.ecosystem === 'npm') {
    return analyzeNpmSpec(`${target.name}@${target.version}`, { ...common, ...(await npmOptionsFor(ctx, target.privateTo ?? null)) });
  }
  const pypi = pythonDependencySource({ wheels: config.pypiWheels, index: config.pypiIndex });
  return analyzePypiSpec(`${target.name}==${target.version}`, {
    ...common,
    ...(config.pypiIndex ? { index: config.pypiIndex } : {}),
    ...(pypi ? { pypi } : {}),
  });
}

/** The report of the highest version below this one that has a public verdict (an update is compared with it). */
async function previousVersionReport(ctx: WorkerContext, target: AnalysisTarget): Promise<SandboxReport | null> {
  const others = await ctx.store.verdicts.otherVersions(target.ecosystem, target.name, target.version);
  const previous = previousVersion(
    target.ecosystem,
    target.version,
    others.map((e) => e.version),
  );
  const entry = others.find((e) => e.version === previous);
  const text = entry ? await ctx.store.verdicts.reportJson(entry.reportId) : null;
  if (text) ctx.log.debug({ package: `${target.name}@${target.version}`, previous }, 'comparing with the previous version');
  return text ? (JSON.parse(text) as SandboxReport) : null;
}

/**
 * Where an npm package is fetched from: the service's default registry (no credentials), or, for a
 * private package, its organization's registry with that organization's token, read from its settings
 * now (never carried in the job, which Redis keeps in clear).
 */
export async function npmOptionsFor(ctx: WorkerContext, privateTo: string | null): Promise<FetchNpmOptions> {
  const base = serviceNpmOptions(ctx.config);
  if (privateTo === null) return base;
  const registry = openNpmRegistry(await ctx.store.settings.get(privateTo), ctx.config.secretBox, privateTo);
  if (!registry)
    throw new AirlockError('INVALID_INPUT', 'this organization no longer has a private npm registry in its settings (PATCH /v1/settings)');
  // A per-organization cache: the shared one would hand one organization's private packuments to another.
  return { ...base, cacheDir: `${base.cacheDir}-org/${privateTo}`, npmrc: privateRegistryNpmrc(registry) };
}
