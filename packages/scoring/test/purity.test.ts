/** The scorer must stay pure: objects in, verdict out, so it runs anywhere and replays exactly. */
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const srcDir = new URL('../src/', import.meta.url);
const files = (dir: URL, prefix = ''): { file: string; text: string }[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? files(new URL(`${entry.name}/`, dir), `${prefix}${entry.name}/`)
      : [{ file: `${prefix}${entry.name}`, text: readFileSync(new URL(entry.name, dir), 'utf8') }],
  );
const sources = files(srcDir);

describe('purity', () => {
  it('imports only its own modules and @airlock/core', () => {
    const imports = sources.flatMap(({ text }) => [...text.matchAll(/(?:import|export)[^'"]*from\s+'([^']+)'/g)].map((m) => m[1]!));
    expect(imports.filter((i) => !i.startsWith('.') && i !== '@airlock/core')).toEqual([]);
  });

  it('uses no I/O, clocks or randomness', () => {
    const forbidden = /\b(require\(|node:|process\.|fetch\(|Date\.now|new Date|Math\.random|console\.|setTimeout)/;
    expect(sources.filter((s) => forbidden.test(s.text)).map((s) => s.file)).toEqual([]);
  });
});
