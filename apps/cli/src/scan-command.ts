import { createReadStream } from 'node:fs';
import { resolve, join } from 'node:path';
import { nanoid } from 'nanoid';
import { PHASES, type PhaseName, type SandboxReport, type TraceStats } from '@airlock/core';
import { buildReport, renderReportText, TraceSummarizer, type PhaseSummary } from '@airlock/report';
import { assertDockerReachable, connectDocker, prepareNpmArchive, runSandbox, type SandboxRun } from '@airlock/sandbox';
import { StraceParser } from '@airlock/strace';
import { createLogger } from './logger.js';

export interface ScanOptions {
  json?: boolean;
  installTimeout: number;
  importTimeout: number;
  artifacts: string;
}

/** `airlock scan`: one package through the sandbox, report printed. Ctrl-C removes the container. */
export async function scanCommand(path: string, opts: ScanOptions): Promise<number> {
  const log = createLogger();
  const report = await scanPackage(path, opts, log);
  process.stdout.write(opts.json ? `${JSON.stringify(report, null, 2)}\n` : `${renderReportText(report)}\n`);
  return 0;
}

export async function scanPackage(path: string, opts: ScanOptions, log = createLogger()): Promise<SandboxReport> {
  const archive = await prepareNpmArchive(path);
  const docker = connectDocker();
  await assertDockerReachable(docker);
  const id = nanoid(12);
  const artifactsDir = resolve(opts.artifacts, id);
  const controller = new AbortController();
  const onSignal = () => {
    log.warn('interrupted: removing the sandbox container');
    controller.abort();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let run: SandboxRun;
  try {
    run = await runSandbox({
      docker,
      analysisId: id,
      archive,
      artifactsDir,
      timeoutsMs: { install: opts.installTimeout * 1000, import: opts.importTimeout * 1000 },
      signal: controller.signal,
      log: (message, fields) => log.debug({ analysisId: id, ...fields }, message),
    });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  const traces: Partial<Record<PhaseName, { summary: PhaseSummary; stats: TraceStats }>> = {};
  const artifacts: Record<string, string> = {};
  for (const phase of PHASES) {
    const file = run.traceFiles[phase];
    if (!file) continue;
    artifacts[`${phase}.strace`] = file.path;
    traces[phase] = await summarizeTraceFile(file.path, phase, archive.identity.name);
  }
  const report = buildReport({ id, createdAt: new Date(), identity: archive.identity, run, traces, artifacts });
  log.info(
    {
      analysisId: id,
      package: `${archive.identity.name}@${archive.identity.version}`,
      phases: Object.fromEntries(run.phases.map((p) => [p.name, p.status])),
      processes: report.processes.length,
      totalMs: run.timings.totalMs,
      artifacts: join(artifactsDir),
    },
    'analysis done',
  );
  return report;
}

/** Streams a raw trace through the parser and the summarizer; memory stays flat whatever its size. */
async function summarizeTraceFile(path: string, phase: PhaseName, packageName: string) {
  const parser = new StraceParser();
  const summarizer = new TraceSummarizer(phase, packageName);
  for await (const chunk of createReadStream(path, { encoding: 'utf8' })) {
    for (const event of parser.push(chunk as string)) summarizer.add(event);
  }
  for (const event of parser.end()) summarizer.add(event);
  const { lines, events, unknownLines } = parser.stats;
  return { summary: summarizer.summary, stats: { lines, events, unknownLines } };
}
