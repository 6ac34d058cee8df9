import { describe, expect, it } from 'vitest';
import type { SandboxReport, VerdictLabel } from '@airlock/core';
import {
  callsStageView,
  chooseOutcome,
  DEFAULT_RETRY,
  firstView,
  nextView,
  viewRecords,
  type PlanFacts,
  type PlatformFacts,
  type ViewOutcome,
} from '../src/planner.js';

const quiet: PlatformFacts = { ecosystem: 'npm', sdist: false, installScripts: false, reads: [], windows: [], macos: [] };
const facts = (over: Partial<PlanFacts> = {}): PlanFacts => ({
  ciVariables: [],
  ciProfile: true,
  retry: DEFAULT_RETRY,
  timeoutsMs: { install: 120_000, import: 30_000 },
  timeGates: [],
  time: false,
  forceViews: false,
  calls: false,
  platformViews: 'auto',
  platform: quiet,
  ...over,
});

const clock = { speedup: 10, offsets: { install: '+3d', import: '+30d' } };
const time = { clock, dwellMs: 30_000 };

let ids = 0;
function report(verdict: VerdictLabel, score = 0, hides: string[] = [], extra: Partial<SandboxReport> = {}): SandboxReport {
  ids += 1;
  return {
    id: `r${ids}`,
    phases: [],
    importResult: null,
    ...extra,
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
    const quietCi = run([], facts({ ciVariables: ['CI'], platformViews: false }), [
      report('inconclusive', 0, ['phase-timeout']),
      report('inconclusive'),
      report('suspicious', 40),
    ]);
    expect(chooseOutcome(quietCi).view.name).toBe('retry');
    const both = run([], facts({ ciVariables: ['CI'], platformViews: false }), [report('benign', 5), report('suspicious', 30)]);
    expect(chooseOutcome(both).view.name).toBe('ci');
  });

  it('runs the time view when the code waits or the first run left processes, and lets it answer only with malice', () => {
    const waits = run([], facts({ platformViews: false, time, timeGates: ['a detached child (start.js)'] }), [
      report('benign', 5),
      report('suspicious', 40),
    ]);
    expect(waits.map((d) => [d.view.name, d.view.reason])).toEqual([
      ['developer', null],
      ['time', 'the package may wait: a detached child (start.js)'],
    ]);
    expect(waits[1]!.view).toMatchObject({ clock, dwellMs: 30_000 });
    expect(chooseOutcome(waits).view.name).toBe('developer');
    const lingering = report('benign', 0, [], { phases: [{ lingeringProcesses: 2 }] as SandboxReport['phases'] });
    const stole = run([], facts({ platformViews: false, time }), [lingering, report('malicious', 100)]);
    expect(stole.map((d) => d.view.name)).toEqual(['developer', 'time']);
    expect(chooseOutcome(stole).view.name).toBe('time');
    expect(run([], facts({ platformViews: false, time }), [report('benign')]).map((d) => d.view.name)).toEqual(['developer']);
  });

  it('after a developer run and its call stage: retries an inconclusive developer run, and plans no second call view', () => {
    const developer = { view: firstView(), report: report('inconclusive', 0, ['lingering-processes']) };
    const stage = { view: callsStageView(2), report: report('benign') };
    expect(stage.view).toMatchObject({
      name: 'calls',
      calls: true,
      reason: expect.stringMatching(/2 function.*a stage of the developer run/),
    });
    const done = run([developer, stage], facts({ platformViews: false, calls: true }), [report('benign')]);
    expect(done.map((d) => d.view.name)).toEqual(['developer', 'calls', 'retry']);
    expect(chooseOutcome(done).view.name).toBe('retry');
  });

  it('runs the call view when the first import found exported functions; an inconclusive call run does not answer', () => {
    const exportsFns = report('benign', 0, [], { importResult: { require: { ok: true, functions: 3 }, import: { ok: false } } });
    const done = run([], facts({ platformViews: false, calls: true }), [exportsFns, report('inconclusive', 0, ['phase-timeout'])]);
    expect(done.map((d) => [d.view.name, d.view.calls ?? false])).toEqual([
      ['developer', false],
      ['calls', true],
    ]);
    expect(done[1]!.view.reason).toMatch(/exports 3 function/);
    expect(chooseOutcome(done).view.name).toBe('developer');
    const none = report('benign', 0, [], { importResult: { modules: { pkg: { ok: true, functions: 0 } } } });
    expect(run([], facts({ platformViews: false, calls: true }), [none]).map((d) => d.view.name)).toEqual(['developer']);
    const python = report('benign', 0, [], { importResult: { modules: { pkg: { ok: true, functions: 2 } } } });
    expect(run([], facts({ platformViews: false, calls: true }), [python, report('malicious', 90)]).map((d) => d.view.name)).toEqual([
      'developer',
      'calls',
    ]);
  });

  it('runs every view when the caller forces them, and none after malice', () => {
    const all = run([], facts({ platformViews: false, time, calls: true, forceViews: true }), [
      report('benign'),
      report('benign'),
      report('benign'),
      report('benign'),
    ]);
    expect(all.map((d) => d.view.name)).toEqual(['developer', 'ci', 'time', 'calls']);
    expect(viewRecords(all, all[0]!).map((v) => v.reason)).toEqual([
      null,
      'every view was asked for',
      'every view was asked for',
      'every view was asked for',
    ]);
    expect(
      run([], facts({ platformViews: false, time, calls: true, forceViews: true }), [report('malicious', 100)]).map((d) => d.view.name),
    ).toEqual(['developer']);
  });

  it('runs the windows view for PyPI sdists, install scripts, platform reads and suspicious runs; never when the package is quiet', () => {
    const views = (platform: Partial<PlatformFacts>, verdicts: VerdictLabel[] = ['benign', 'benign', 'benign']) =>
      run(
        [],
        facts({ platform: { ...quiet, ...platform } }),
        verdicts.map((v) => report(v)),
      ).map((d) => [d.view.name, d.view.platform ?? 'linux']);
    expect(views({})).toEqual([['developer', 'linux']]);
    expect(views({ ecosystem: 'pypi', sdist: true })).toEqual([
      ['developer', 'linux'],
      ['windows', 'win32'],
    ]);
    expect(views({ ecosystem: 'pypi', sdist: false })).toEqual([['developer', 'linux']]);
    expect(views({ installScripts: true })).toEqual([
      ['developer', 'linux'],
      ['windows', 'win32'],
    ]);
    expect(views({ reads: ['process.platform'] })).toEqual([
      ['developer', 'linux'],
      ['windows', 'win32'],
    ]);
    expect(views({}, ['suspicious', 'benign'])).toEqual([
      ['developer', 'linux'],
      ['windows', 'win32'],
    ]);
    // macOS only for code that names it.
    expect(views({ reads: ['os.platform()'], macos: ['darwin'] })).toEqual([
      ['developer', 'linux'],
      ['windows', 'win32'],
      ['macos', 'darwin'],
    ]);
  });

  it('takes no platform view for a probing view that came out suspicious (the time view, the calls)', () => {
    const names = (verdicts: VerdictLabel[]) =>
      run(
        [],
        facts({ time, timeGates: ['a long timer (index.js)'] }),
        verdicts.map((v) => report(v)),
      ).map((d) => d.view.name);
    expect(names(['benign', 'suspicious'])).toEqual(['developer', 'time']);
    // The same run's suspicion in the developer view still asks for the windows view.
    expect(names(['suspicious', 'benign', 'benign'])).toEqual(['developer', 'time', 'windows']);
  });

  it('lets the caller force every platform view or none, and stops at a malicious run', () => {
    const all = run([], facts({ platformViews: 'all' }), [report('benign'), report('benign'), report('benign')]);
    expect(all.map((d) => [d.view.name, d.view.reason])).toEqual([
      ['developer', null],
      ['windows', 'every platform view was asked for'],
      ['macos', 'every platform view was asked for'],
    ]);
    const none = run([], facts({ platformViews: false, platform: { ...quiet, ecosystem: 'pypi', sdist: true, windows: ['APPDATA'] } }), [
      report('suspicious', 30),
    ]);
    expect(none.map((d) => d.view.name)).toEqual(['developer']);
    const caught = run([], facts({ platformViews: 'all' }), [report('benign'), report('malicious', 100)]);
    expect(caught.map((d) => d.view.name)).toEqual(['developer', 'windows']);
  });

  it("keeps each view's evidence: the chosen windows run answers and every run lists its platform and rules", () => {
    const withRules = (verdict: VerdictLabel, score: number, rules: string[]) => {
      const r = report(verdict, score);
      r.verdict!.reasons = rules.map((rule) => ({ rule })) as never;
      return r;
    };
    const done = run([], facts({ platform: { ...quiet, windows: ['win32'] } }), [
      withRules('suspicious', 30, ['network-egress']),
      withRules('malicious', 100, ['windows-payload.launch', 'network-egress']),
    ]);
    const chosen = chooseOutcome(done);
    expect(chosen.view.name).toBe('windows');
    expect(viewRecords(done, chosen).map((v) => [v.view, v.platform, v.rules, v.chosen])).toEqual([
      ['developer', 'linux', ['network-egress'], false],
      ['windows', 'win32', ['windows-payload.launch', 'network-egress'], true],
    ]);
  });
});
