/** The package must stay pure: no I/O, so it can run anywhere and be fed by any source. */
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const srcDir = new URL('../src/', import.meta.url);
const sources = readdirSync(srcDir)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => ({ file: f, text: readFileSync(new URL(f, srcDir), 'utf8') }));

describe('purity', () => {
  it('has sources to check', () => {
    expect(sources.map((s) => s.file)).toContain('strace-parser.ts');
  });

  it('imports nothing but its own modules', () => {
    const imports = sources.flatMap(({ file, text }) =>
      [...text.matchAll(/(?:import|export)[^'"]*from\s+'([^']+)'/g)].map((m) => `${file}: ${m[1]}`),
    );
    expect(imports.length).toBeGreaterThan(20);
    expect(imports.filter((i) => !/: \.\/[a-z0-9-]+\.js$/.test(i))).toEqual([]);
  });

  it('uses no I/O or ambient globals', () => {
    const forbidden =
      /\b(require\(|import\(|process\.(?:env|argv|exit|stdout|stderr|stdin|cwd|hrtime|memoryUsage|on|nextTick)\b|fetch\(|XMLHttpRequest|WebSocket|setTimeout|setInterval|Date\.now|Math\.random|console\.)/;
    expect(sources.filter((s) => forbidden.test(s.text)).map((s) => s.file)).toEqual([]);
  });
});
