/** Runs one analysis target through the pipeline: registry packages are fetched, uploads read from the volume. */
import { join } from 'node:path';
import type { SandboxReport } from '@airlock/core';
import { analyzeLocalPackage, analyzeNpmSpec, analyzePypiSpec } from '@airlock/analysis';
import type { AnalysisTarget } from '@airlock/queue';
import { serviceNpmOptions } from '@airlock/registry';
import type { WorkerContext } from './context.js';

export async function runTarget(ctx: WorkerContext, target: AnalysisTarget, signal: AbortSignal): Promise<SandboxReport> {
  const { config } = ctx;
  const common = {
    docker: ctx.docker,
    artifactsRoot: join(config.dataDir, 'artifacts'),
    signal,
    signalPolicy: ctx.signalPolicy,
    timeoutsMs: { ...(config.installTimeoutMs ? { install: config.installTimeoutMs } : {}), ...(config.importTimeoutMs ? { import: config.importTimeoutMs } : {}) },
    log: (message: string, fields?: Record<string, unknown>) => ctx.log.debug({ ...fields, package: `${target.name}@${target.version}` }, message),
  };
  if (target.kind === 'archive') return analyzeLocalPackage(target.path, common);
  if (target.ecosystem === 'npm') {
    return analyzeNpmSpec(`${target.name}@${target.version}`, { ...common, ...serviceNpmOptions(config) });
  }
  return analyzePypiSpec(`${target.name}==${target.version}`, { ...common, ...(config.pypiIndex ? { index: config.pypiIndex } : {}) });
}
