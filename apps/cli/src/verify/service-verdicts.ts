/**
 * `airlock verify` against the Airlock service: each package submitted as a registry version (a known verdict
 * comes back at once, without a run), then the open ones polled until they finish. Submissions go a few at a
 * time and wait out the organization's rate limit (429) instead of failing the gate.
 */
import { runParallel } from '@airlock/analysis';
import type { InventoryPackage } from '@airlock/inventory';
import { ApiError, UnreachableError, request, waitDone, type AnalysisView, type ClientOptions } from '../service-commands.js';
import type { Verdict } from './local-verdicts.js';

const SUBMIT_CONCURRENCY = 4;
const POLL_CONCURRENCY = 8;

async function submitWithBackoff(opts: ClientOptions, pkg: InventoryPackage): Promise<AnalysisView> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await request<AnalysisView>(opts, '/v1/analyses', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ecosystem: pkg.ecosystem, name: pkg.name, version: pkg.version }),
      });
    } catch (err) {
      if (!(err instanceof ApiError) || !err.message.startsWith('429') || attempt >= 20) throw err;
      await new Promise((r) => setTimeout(r, 5_000));
    }
  }
}

function verdictOf(pkg: InventoryPackage, a: AnalysisView, api: string): Verdict | Error {
  if (a.status !== 'completed' || !a.verdict) return new Error(`analysis ${a.id} is ${a.status}${a.error ? `: ${a.error}` : ''}`);
  return {
    ecosystem: pkg.ecosystem,
    name: pkg.name,
    version: pkg.version,
    verdict: a.verdict.verdict as Verdict['verdict'],
    score: a.verdict.score,
    reasons: a.verdict.reasons.map((r) => ({ rule: r.rule, severity: 'info', explanation: r.explanation })),
    notObserved: (a.verdict.notObserved ?? []).map((n) => ({ message: n.message, hidesBehaviour: n.hidesBehaviour })),
    reportUri: new URL(`/v1/analyses/${a.id}`, api).toString(),
  };
}

export async function serviceVerdicts(
  packages: readonly InventoryPackage[],
  opts: ClientOptions,
  onProgress: (done: number, total: number, pkg: InventoryPackage, outcome: string) => void,
): Promise<(Verdict | Error)[]> {
  // Everything is submitted first, so the service runs the unknown ones side by side while the gate waits.
  const submitted = await runParallel(packages, SUBMIT_CONCURRENCY, (pkg) => submitWithBackoff(opts, pkg));
  const fatal = submitted.find((r) => !r.ok && isFatal(r.error));
  if (fatal && !fatal.ok) throw fatal.error;
  let done = 0;
  const results = await runParallel(
    packages,
    POLL_CONCURRENCY,
    async (pkg, i) => {
      const s = submitted[i]!;
      if (!s.ok) return s.error;
      const a = ['completed', 'failed', 'cancelled'].includes(s.value.status) ? s.value : await waitDone(opts, s.value.id);
      return verdictOf(pkg, a, opts.api);
    },
    (r, pkg) => {
      done++;
      onProgress(
        done,
        packages.length,
        pkg,
        r.ok ? (r.value instanceof Error ? `no verdict: ${r.value.message}` : r.value.verdict) : r.error.message,
      );
    },
  );
  return results.map((r) => (r.ok ? r.value : r.error));
}

/** An unreachable service or a refused key fails the whole gate, not one package. */
function isFatal(err: Error): boolean {
  return err instanceof UnreachableError || (err instanceof ApiError && /^40[13]\b/.test(err.message));
}
