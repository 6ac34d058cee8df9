import { describe, expect, it } from 'vitest';
import type { SandboxReport, VerdictLabel } from '@airlock/core';
import { chooseOutcome, DEFAULT_RETRY, firstView, nextView, viewRecords, type PlanFacts, type ViewOutcome } from '../src/planner.js';

const facts = (over: Partial<PlanFacts> = {}): PlanFacts => ({
  ciVariables: [],
  ciProfile: true,
  retry: DEFAULT_RETRY,
  timeoutsMs: { install: 120_000, import: 30_000 },
  ...over,
});

let ids = 0;
function report(verdict: VerdictLabel, score = 0, hides: string[] = []): SandboxReport {
  ids += 1;
  return {
    id: `r${ids}`,
    verdict: {
      verdict,
      score,
      reasons: [],
      notObserved: hides.map((kind) => ({ kind, message: kind, hidesBehaviour: true, evidence: [] })),
    },
  } as unknown as SandboxReport;
}

function run(done: ViewOutcome[], f: PlanFacts, verdicts: SandboxReport[]): ViewOutcome[] {
  for (let view = done.length ? nextView(done, f) : firstView(), i = 0; view; view = nextView(done, f), i += 1)
    done.push({ view, report: verdicts[i]! });
  return done;
}

describe('the planner of extra runs', () => {
  it('retries an inconclusive first run once with longer limits, and the retry answers', () => {
    const done = run([], facts(), [report('inconclusive', 0, ['lingering-processes', 'phase-timeout']), report('benign')]);
    expect(done.map((d) => d.view.name)).toEqual(['developer', 'retry']);
    expect(done[1]!.view).toMatchObject({
      timeoutsMs: { install: 240_000, import: 60_000 },
      dwellMs: 60_000,
      reason: 'the first run was inconclusive (lingering-processes, phase-timeout): again with longer limits',
    });
    const chosen = chooseOutcome(done);
    expect(chosen.view.name).toBe('retry');
    expect(viewRecords(done, chosen).map((v) => [v.view, v.verdict, v.chosen])).toEqual([
      ['developer', 'inconclusive', false],
      ['retry', 'benign', true],
    ]);
  });

  it('keeps inconclusive final when the retry is inconclusive too, and never retries twice', () => {
    const done = run([], facts(), [
      report('inconclusive', 0, ['lingering-processes']),
      report('inconclusive', 10, ['lingering-processes']),
    ]);
    expect(done.map((d) => d.view.name)).toEqual(['developer', 'retry']);
    expect(chooseOutcome(done).report.verdict?.verdict).toBe('inconclusive');
  });

  it('stops at malicious, and does not retry when retries are off', () => {
    expect(run([], facts({ ciVariables: ['GITHUB_TOKEN'] }), [report('malicious', 100)]).map((d) => d.view.name)).toEqual(['developer']);
    expect(run([], facts({ retry: false }), [report('inconclusive', 0, ['phase-timeout'])]).map((d) => d.view.name)).toEqual(['developer']);
  });

  it('adds the CI view after a retry when the code reads CI variables, and malicious from any run wins', () => {
    const done = run([], facts({ ciVariables: ['GITHUB_ACTIONS'] }), [
      report('inconclusive', 0, ['phase-timeout']),
      report('benign', 5),
      report('malicious', 100),
    ]);
    expect(done.map((d) => [d.view.name, d.view.profile.name])).toEqual([
      ['developer', 'developer'],
      ['retry', 'developer'],
      ['ci', 'ci'],
    ]);
    expect(done[2]!.view.reason).toBe("the package's code reads GITHUB_ACTIONS");
    expect(chooseOutcome(done).view.name).toBe('ci');
  });

  it('ranks inconclusive above suspicious across runs, then the score', () => {
    const quietCi = run([], facts({ ciVariables: ['CI'] }), [
      report('inconclusive', 0, ['phase-timeout']),
      report('inconclusive'),
      report('suspicious', 40),
    ]);
    expect(chooseOutcome(quietCi).view.name).toBe('retry');
    const both = run([], facts({ ciVariables: ['CI'] }), [report('benign', 5), report('suspicious', 30)]);
    expect(chooseOutcome(both).view.name).toBe('ci');
  });
});
