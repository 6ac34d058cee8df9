/** The package must stay pure: no I/O, so it can run anywhere and be fed by any source. */
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const srcDir = new URL('../src/', import.meta.url);
const sources = readdirSync(srcDir)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => ({ file: f, text: readFileSync(new URL(f, srcDir), 'utf8') }));

/** The only outside modules allowed: the popular-name data and the two distance functions. */
const ALLOWED = new Set(['npm-high-impact', 'fastest-levenshtein', 'damerau-levenshtein']);

describe('purity', () => {
  it('has sources to check', () => {
    expect(sources.map((s) => s.file)).toContain('typosquat.ts');
  });

  it('imports only its own modules and the allowed data/distance packages', () => {
    const imports = sources.flatMap(({ file, text }) =>
      [...text.matchAll(/(?:import|export)[^'"]*from\s+'([^']+)'/g)].map((m) => `${file}: ${m[1]}`),
    );
    expect(imports.length).toBeGreaterThan(40);
    expect(imports.filter((i) => !/: \.\/[a-z0-9-]+\.js$/.test(i) && !ALLOWED.has(i.split(': ')[1]!))).toEqual([]);
  });

  it('uses no I/O or ambient globals', () => {
    const forbidden =
      /\b(require\(|import\(|node:|process\.(?:env|argv|exit|stdout|stderr|stdin|cwd|hrtime|memoryUsage|on|nextTick)\b|fetch\(|XMLHttpRequest|WebSocket|setTimeout|setInterval|Date\.now|Math\.random|console\.)/;
    // Regex sources that *describe* such calls (e.g. the child_process sink list) live in strings and
    // regex literals; strip those before looking.
    const code = (text: string) =>
      text.replace(/\/(?:\\.|[^/\n])+\/[dgimsuyv]*/g, '').replace(/'(?:\\.|[^'\n])*'|"(?:\\.|[^"\n])*"|`(?:\\.|[^`])*`/g, '');
    expect(sources.filter((s) => forbidden.test(code(s.text))).map((s) => s.file)).toEqual([]);
  });
});
