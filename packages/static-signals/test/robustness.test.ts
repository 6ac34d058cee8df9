/**
 * Hostile and malformed input never throws (except where documented) and never produces unbounded
 * output: deterministic pseudo-random texts built from the characters the scanners care about.
 */
import {
  MAX_SNIPPET_CHARS,
  MAX_VALUE_CHARS,
  analyzeInstallScripts,
  checkArchiveListing,
  checkRequirements,
  npmPopularNameIndex,
  checkTyposquat,
  scanSource,
  splitShellCommand,
  type ArchiveEntry,
} from '@airlock/static-signals';
import { describe, expect, it } from 'vitest';

/** mulberry32: a tiny seeded generator, so failures reproduce. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALPHABET = [
  '(',
  ')',
  '[',
  ']',
  '!',
  '+',
  '"',
  "'",
  '`',
  '\\',
  '\n',
  ';',
  '=',
  ' ',
  '|',
  '&',
  '>',
  '/',
  '..',
  'eval(',
  'exec(',
  'atob(',
  "Buffer.from('",
  "'base64')",
  'b64decode(',
  '_0x1a2b',
  'AbC123',
  'ff',
  '\u0000',
  'é',
];

function hostileText(random: () => number, length: number): string {
  let out = '';
  while (out.length < length) out += ALPHABET[Math.floor(random() * ALPHABET.length)];
  return out;
}

describe('robustness', () => {
  it('scanners accept any text and keep evidence bounded', () => {
    const random = rng(7);
    for (let i = 0; i < 200; i++) {
      const text = hostileText(random, 50 + Math.floor(random() * 3000));
      for (const path of ['a.js', 'b.py', 'c.sh', 'd']) {
        for (const s of scanSource({ path, text, installTime: i % 2 === 0 })) {
          expect(s.evidence.snippet?.length ?? 0).toBeLessThanOrEqual(MAX_SNIPPET_CHARS);
          expect(s.evidence.value?.length ?? 0).toBeLessThanOrEqual(MAX_VALUE_CHARS);
          expect(s.evidence.line).toBeGreaterThanOrEqual(1);
        }
      }
      expect(() => splitShellCommand(text)).not.toThrow();
      expect(() => analyzeInstallScripts({ manifest: { scripts: { postinstall: text } } })).not.toThrow();
      expect(() => checkRequirements(text)).not.toThrow();
    }
  });

  it('deeply nested shells and huge scripts stay bounded', () => {
    const nested = 'sh -c '.repeat(200_000) + 'id';
    const { signals } = analyzeInstallScripts({ manifest: { scripts: { postinstall: nested } } });
    expect(signals.map((s) => s.id)).toEqual(['install-script.present', ...Array(4).fill('install-script.inline-code')]);
  });

  it('typosquat checks accept any name', () => {
    const random = rng(11);
    const index = npmPopularNameIndex();
    for (let i = 0; i < 200; i++)
      expect(Array.isArray(checkTyposquat(hostileText(random, 1 + Math.floor(random() * 40)), index))).toBe(true);
    expect(checkTyposquat('', index)).toEqual([]);
  });

  it('archive checks accept any listing and flag every escaping entry', () => {
    const random = rng(13);
    const types: ArchiveEntry['type'][] = ['file', 'directory', 'symlink', 'hardlink', 'other'];
    for (let i = 0; i < 100; i++) {
      const entries: ArchiveEntry[] = Array.from({ length: 30 }, () => ({
        path: hostileText(random, 1 + Math.floor(random() * 30)),
        size: Math.floor(random() * 1000) - 10,
        type: types[Math.floor(random() * types.length)]!,
        linkTarget: hostileText(random, Math.floor(random() * 20)),
      }));
      const check = checkArchiveListing(entries);
      for (const e of entries) {
        if (e.path.split(/[\\/]/).includes('..')) expect(check.problems.some((p) => p.path === e.path)).toBe(true);
      }
    }
  });
});
