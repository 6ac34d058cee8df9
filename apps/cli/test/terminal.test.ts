import { describe, expect, it } from 'vitest';
import { progressText } from '../src/progress-line.js';
import { colourEnabled, paintVerdict } from '../src/terminal.js';

describe('colour', () => {
  const tty = { isTTY: true };
  const pipe = { isTTY: false };

  it('is on for a terminal, off for a pipe and a dumb terminal', () => {
    expect(colourEnabled(tty, {})).toBe(true);
    expect(colourEnabled(pipe, {})).toBe(false);
    expect(colourEnabled(tty, { TERM: 'dumb' })).toBe(false);
  });

  it('follows NO_COLOR (set and not empty) and FORCE_COLOR (which wins; 0 and false turn it off)', () => {
    expect(colourEnabled(tty, { NO_COLOR: '1' })).toBe(false);
    expect(colourEnabled(tty, { NO_COLOR: '' })).toBe(true);
    expect(colourEnabled(pipe, { FORCE_COLOR: '1' })).toBe(true);
    expect(colourEnabled(pipe, { FORCE_COLOR: '' })).toBe(true);
    expect(colourEnabled(tty, { FORCE_COLOR: '0' })).toBe(false);
    expect(colourEnabled(tty, { FORCE_COLOR: 'false' })).toBe(false);
    expect(colourEnabled(pipe, { FORCE_COLOR: '1', NO_COLOR: '1' })).toBe(true);
  });

  it('paints each verdict in its own colour, and nothing when off', () => {
    expect(paintVerdict(true, 'malicious', 'Verdict: MALICIOUS')).toBe('\x1b[1;31mVerdict: MALICIOUS\x1b[0m');
    expect(paintVerdict(true, 'benign', 'x')).toBe('\x1b[1;32mx\x1b[0m');
    expect(paintVerdict(true, 'inconclusive', 'x')).not.toBe(paintVerdict(true, 'suspicious', 'x'));
    expect(paintVerdict(false, 'malicious', 'Verdict: MALICIOUS')).toBe('Verdict: MALICIOUS');
    expect(paintVerdict(true, 'not-a-verdict', 'x')).toBe('x');
  });
});

describe('the progress line', () => {
  it('says the elapsed time, the step, the view and what it works on', () => {
    expect(progressText({ step: 'fetch', detail: 'npm:chalk@4.1.2' }, 1234)).toBe('[  1.2 s] resolving and downloading: npm:chalk@4.1.2');
    expect(progressText({ step: 'install', view: 'developer', detail: 'chalk' }, 61_000)).toBe('[ 61.0 s] install (developer view): chalk');
    expect(progressText({ step: 'start', view: 'control', detail: 'empty package' }, 0)).toBe(
      '[  0.0 s] starting the sandbox (control run): empty package',
    );
  });

  it('never wraps: cut to the terminal width', () => {
    const line = progressText({ step: 'import', view: 'time', detail: 'x'.repeat(200) }, 5000, 60);
    expect(line).toHaveLength(59);
    expect(line.endsWith('…')).toBe(true);
  });
});
