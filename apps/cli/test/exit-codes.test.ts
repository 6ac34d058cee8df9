/** The exit codes are listed in one place (exit-codes.ts); the help text and the README say the same. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EXIT, EXIT_CODES_HELP } from '../src/exit-codes.js';

const codes = [...new Set(Object.values(EXIT))].sort();

describe('exit codes', () => {
  it('are each listed once under --help, and nothing else is', () => {
    const listed = [...EXIT_CODES_HELP.matchAll(/^ {2}(\d) {2}/gm)].map((m) => Number(m[1]));
    expect(listed).toEqual(codes);
  });

  it("are the README's list, in order", () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    const paragraph = /^Exit codes \(every command[\s\S]*?\n\n/m.exec(readme)?.[0] ?? '';
    const listed = [...paragraph.matchAll(/`(\d)` /g)].map((m) => Number(m[1]));
    expect(listed).toEqual(codes);
  });
});
