import { describe, expect, it } from 'vitest';
import { timeGateReferences } from '../src/time-gates.js';

const file = (text: string, path = 'pkg/index.js') => [{ path, text }];

describe('timeGateReferences', () => {
  it('finds long timers, sleeps, detached children, date literals and day spans', () => {
    expect(timeGateReferences(file('setTimeout(() => steal(), 200 * 1000);'))).toEqual(['a long timer (index.js)']);
    expect(timeGateReferences(file('spawn(process.execPath, [p], { detached: true, stdio: "ignore" }).unref();'))).toEqual([
      'a detached child (index.js)',
    ]);
    expect(timeGateReferences(file('import time\ntime.sleep(600)\n', 'pkg/setup.py'))).toEqual(['a long sleep (setup.py)']);
    expect(timeGateReferences(file("if (Date.now() > new Date('2026-12-20').getTime()) go();"))).toEqual(['a date literal (index.js)']);
    expect(timeGateReferences(file('if (Date.now() - stamp > 3 * 24 * 3600 * 1000) go();'))).toEqual(['a days-long span (index.js)']);
  });

  it('ignores the everyday clock reads and short timers of benign code', () => {
    const everyday = 'const t0 = Date.now(); setTimeout(retry, 250); console.log(new Date().toISOString(), Date.now() - t0);';
    expect(timeGateReferences(file(everyday))).toEqual([]);
  });
});
