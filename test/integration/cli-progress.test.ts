/**
 * `airlock scan` as a person runs it: under a pseudo-terminal (util-linux `script`) the progress line names
 * each step as it happens (reading the package, starting the sandbox, install, import, scoring, with the
 * view and the elapsed time) and the verdict is in colour; piped, the same scan writes no escape code at all.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { testTempDir } from '../support/temp-dir.js';

const run = promisify(execFile);
const artifacts = testTempDir('airlock-cli-progress-');
// One run, no extra views: this is about what the terminal shows, not about the planner.
const SCAN = ['apps/cli/dist/main.js', 'scan', 'test/fixtures/npm/benign-no-scripts', '--no-retry', '--no-time-view', '--no-call-view'];
const args = [...SCAN, '--views', 'none', '--artifacts', artifacts];
/** The environment of a user who asked for nothing: no colour forced or refused, a terminal that has colour. */
const env = Object.fromEntries(
  Object.entries({ ...process.env, TERM: 'xterm-256color' }).filter(
    ([k]) => k !== 'NO_COLOR' && k !== 'FORCE_COLOR' && k !== 'AIRLOCK_LOG_LEVEL',
  ),
);
const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

describe('airlock scan on a terminal and in a pipe', () => {
  it('shows each step in place on a TTY, and the verdict in colour', async () => {
    // script -e: exit with the command's code; stty: a known width, so no line is cut.
    const command = `stty cols 200 rows 50; ${[process.execPath, ...args].map(quote).join(' ')}`;
    const { stdout } = await run('script', ['-qfec', command, '/dev/null'], { env, maxBuffer: 64 * 1024 * 1024, timeout: 280_000 });
    const frames = stdout.split('\r\u001b[2K').map((f) => f.trim());
    const steps = frames.filter((f) => /^\[\s*\d+\.\d s\] /.test(f)).map((f) => f.replace(/^\[\s*\d+\.\d s\] /, ''));
    for (const step of [
      'reading the package: test/fixtures/npm/benign-no-scripts',
      'starting the sandbox (developer view): airlock-fixture-benign',
      'install (developer view): airlock-fixture-benign',
      'import (developer view): airlock-fixture-benign',
      'collecting what the run left (developer view): airlock-fixture-benign',
      'scoring (developer view): airlock-fixture-benign',
    ])
      expect(steps).toContain(step);
    // In order, and the clock moves.
    expect(steps.indexOf('install (developer view): airlock-fixture-benign')).toBeLessThan(
      steps.indexOf('import (developer view): airlock-fixture-benign'),
    );
    const seconds = frames
      .map((f) => /^\[\s*(\d+\.\d) s\]/.exec(f)?.[1])
      .filter(Boolean)
      .map(Number);
    expect(Math.max(...seconds)).toBeGreaterThan(1);
    expect(stdout).toContain('\u001b[1;32mVerdict: BENIGN (score 0/100)\u001b[0m');
    // The info logs stay out of the progress line's way on a terminal.
    expect(stdout).not.toContain('"msg":"analysis done"');
  });

  it('writes no escape code and no progress when piped', async () => {
    const { stdout, stderr } = await run(process.execPath, args, { env, maxBuffer: 64 * 1024 * 1024, timeout: 280_000 });
    expect(stdout).toContain('Verdict: BENIGN (score 0/100)');
    expect(stdout).not.toContain('\u001b');
    expect(stderr).not.toContain('\u001b');
    expect(stderr).not.toContain('starting the sandbox');
    expect(stderr).toContain('"msg":"analysis done"');
  });
});
