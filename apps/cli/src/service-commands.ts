/**
 * `airlock submit` and `airlock status`: the CLI as a client of the REST API (AIRLOCK_API_URL,
 * AIRLOCK_API_KEY). `airlock scan` stays the embedded mode that needs no service.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { EXIT, verdictExitCode, type FailOn } from './exit-codes.js';
import { colourEnabled, paintVerdict } from './terminal.js';

export interface ClientOptions {
  api: string;
  key?: string;
  json?: boolean;
  wait?: boolean;
  force?: boolean;
  failOn: FailOn;
  timeout: number;
}

export interface AnalysisView {
  id: string;
  status: string;
  ecosystem: string;
  name: string;
  version: string;
  cached: boolean;
  verdict: {
    verdict: string;
    score: number;
    reasons: { rule: string; explanation: string }[];
    notObserved?: { message: string; hidesBehaviour: boolean }[];
  } | null;
  error: string | null;
  links: Record<string, string>;
}

/** The service answered with an error (or the CLI was given bad input): exit 2. */
export class ApiError extends Error {}
/** The service could not be reached at all: exit 5, so a gate can tell an outage from a refusal. */
export class UnreachableError extends ApiError {}
/** The analysis had no verdict when the command stopped looking: exit 6. */
class NoVerdictError extends ApiError {}

export async function request<T>(opts: ClientOptions, path: string, init: RequestInit = {}): Promise<T> {
  if (!opts.key) throw new ApiError('no API key: set AIRLOCK_API_KEY or pass --key');
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${opts.key}`);
  let res: Response;
  try {
    res = await fetch(new URL(path, opts.api), { ...init, headers });
  } catch (err) {
    throw new UnreachableError(`cannot reach the Airlock API at ${opts.api}: ${(err as Error).cause ?? (err as Error).message}`);
  }
  const body = (await res.json().catch(() => ({}))) as T & { detail?: string };
  if (!res.ok) throw new ApiError(`${res.status}: ${body.detail ?? res.statusText}`);
  return body;
}

/** `npm:name@1.2.3`, `pypi:name==1.2.3`, or a local archive to upload. */
async function submission(target: string, force: boolean): Promise<{ path: string; init: RequestInit }> {
  const npm = /^npm:((?:@[^/@]+\/)?[^@]+)@(.+)$/.exec(target);
  const pypi = /^pypi:([^=]+)==(.+)$/.exec(target);
  if (npm || pypi) {
    const [, name, version] = (npm ?? pypi)!;
    return {
      path: '/v1/analyses',
      init: {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ecosystem: npm ? 'npm' : 'pypi', name, version, ...(force ? { force } : {}) }),
      },
    };
  }
  const bytes = await readFile(target).catch((err: NodeJS.ErrnoException) => {
    throw new ApiError(
      `cannot read ${target}: ${err.code ?? err.message} (give npm:<name>@<version>, pypi:<name>==<version> or an archive)`,
    );
  });
  const query = new URLSearchParams({ filename: basename(target), ...(force ? { force: 'true' } : {}) });
  return {
    path: `/v1/analyses?${query}`,
    init: { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: new Uint8Array(bytes) },
  };
}

function print(opts: ClientOptions, a: AnalysisView): void {
  if (opts.json) return void process.stdout.write(`${JSON.stringify(a, null, 2)}\n`);
  const lines = [`${a.id}  ${a.ecosystem}:${a.name}@${a.version}  ${a.status}${a.cached ? ' (known verdict)' : ''}`];
  if (a.verdict) {
    lines.push(
      paintVerdict(
        colourEnabled(process.stdout, process.env),
        a.verdict.verdict,
        `verdict: ${a.verdict.verdict} (score ${a.verdict.score})`,
      ),
    );
    for (const r of a.verdict.reasons) lines.push(`  - ${r.rule}: ${r.explanation}`);
    for (const n of a.verdict.notObserved ?? []) if (n.hidesBehaviour) lines.push(`  not observed: ${n.message}`);
  }
  if (a.error) lines.push(`error: ${a.error}`);
  // A signed, short-lived link: it opens in a browser with no key (the service's links.reportHtml).
  if (a.links.reportHtml) lines.push(`report: ${new URL(a.links.reportHtml, opts.api).href}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

function exitCode(opts: ClientOptions, a: AnalysisView): number {
  if (a.status === 'failed') return EXIT.sandbox;
  if (a.status !== 'completed' || !a.verdict) {
    process.stderr.write(`airlock: analysis ${a.id} is ${a.status}: no verdict was checked.\n`);
    return EXIT.noVerdict;
  }
  return verdictExitCode(a.verdict.verdict, opts.failOn);
}

/** Each client error to its exit code, with its message on stderr. */
export function clientFailure(command: string, err: ApiError): number {
  process.stderr.write(`airlock ${command}: ${err.message}\n`);
  if (err instanceof UnreachableError) return EXIT.unreachable;
  if (err instanceof NoVerdictError) return EXIT.noVerdict;
  return EXIT.usage;
}

export async function waitDone(opts: ClientOptions, id: string): Promise<AnalysisView> {
  const deadline = Date.now() + opts.timeout * 1000;
  for (;;) {
    const a = await request<AnalysisView>(opts, `/v1/analyses/${id}`);
    if (['completed', 'failed', 'cancelled'].includes(a.status)) return a;
    if (Date.now() > deadline)
      throw new NoVerdictError(
        `analysis ${id} is still ${a.status} after ${opts.timeout} s: no verdict was checked; check later with airlock status ${id}`,
      );
    await new Promise((r) => setTimeout(r, 2000));
  }
}

export async function submitCommand(target: string, opts: ClientOptions): Promise<number> {
  try {
    const { path, init } = await submission(target, opts.force ?? false);
    let analysis = await request<AnalysisView>(opts, path, init);
    if (opts.wait && !['completed', 'failed', 'cancelled'].includes(analysis.status)) analysis = await waitDone(opts, analysis.id);
    print(opts, analysis);
    // Without --wait a submission is accepted, not checked: exitCode says so plainly (exit 6) unless a known verdict came back.
    return exitCode(opts, analysis);
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    return clientFailure('submit', err);
  }
}

/** The analysis's HTML page, fetched with the API key (GET /v1/analyses/:id/report.html), written to `file`. */
async function writeReportHtml(opts: ClientOptions, id: string, file: string): Promise<void> {
  if (!opts.key) throw new ApiError('no API key: set AIRLOCK_API_KEY or pass --key');
  let res: Response;
  try {
    res = await fetch(new URL(`/v1/analyses/${encodeURIComponent(id)}/report.html`, opts.api), {
      headers: { authorization: `Bearer ${opts.key}` },
    });
  } catch (err) {
    throw new UnreachableError(`cannot reach the Airlock API at ${opts.api}: ${(err as Error).cause ?? (err as Error).message}`);
  }
  const body = await res.text();
  if (!res.ok) {
    const detail = (() => {
      try {
        return (JSON.parse(body) as { detail?: string }).detail;
      } catch {
        return undefined;
      }
    })();
    throw new ApiError(`${res.status}: ${detail ?? (body.trim() || res.statusText)}`);
  }
  await writeFile(file, body).catch((err: NodeJS.ErrnoException) => {
    throw new ApiError(`cannot write ${file}: ${err.code ?? err.message}`);
  });
}

export async function statusCommand(id: string, opts: ClientOptions & { report?: boolean; html?: string }): Promise<number> {
  try {
    if (opts.html) await writeReportHtml(opts, id, opts.html);
    if (opts.report) {
      process.stdout.write(`${JSON.stringify(await request(opts, `/v1/analyses/${encodeURIComponent(id)}/report`), null, 2)}\n`);
      return EXIT.ok;
    }
    const analysis = opts.wait ? await waitDone(opts, id) : await request<AnalysisView>(opts, `/v1/analyses/${encodeURIComponent(id)}`);
    print(opts, analysis);
    return exitCode(opts, analysis);
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    return clientFailure('status', err);
  }
}
