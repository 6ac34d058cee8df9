import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCorpus, selectSplit, splitOf, type Sample } from '../src/eval/corpus.js';
import { chooseSamples, splitLine } from '../src/eval/eval-command.js';
import { testTempDir } from '../../../test/support/temp-dir.js';

const benign = (name: string, version = '1.0.0'): Sample => ({
  id: `npm:${name}@${version}`,
  ecosystem: 'npm',
  label: 'benign',
  target: `npm:${name}@${version}`,
  name,
});
const names = Array.from({ length: 200 }, (_, i) => `package-${i}`);

describe('train/test split', () => {
  it('is a fixed function of the package name (sha256 with a versioned salt)', () => {
    // Pinned values: changing the rule moves packages across the split and must be deliberate.
    expect(['esbuild', 'bufferutil', 'lodash', 'axios', 'puppeteer', 'fsevents'].map(splitOf)).toEqual([
      'test',
      'train',
      'train',
      'test',
      'train',
      'test',
    ]);
  });

  it('puts about half of the names on each side', () => {
    const train = names.filter((n) => splitOf(n) === 'train').length;
    expect(train).toBeGreaterThan(80);
    expect(train).toBeLessThan(120);
  });

  it('keeps every version of a package on the same side, and train and test disjoint and complete', () => {
    const samples = [...names.map((n) => benign(n)), ...names.map((n) => benign(n, '2.0.0'))];
    const train = selectSplit(samples, 'train');
    const test = selectSplit(samples, 'test');
    expect(train.length + test.length).toBe(samples.length);
    const trainNames = new Set(train.map((s) => s.name));
    expect(test.some((s) => trainNames.has(s.name))).toBe(false);
    expect(selectSplit(samples, 'all')).toEqual(samples);
  });

  it('never splits malicious samples', () => {
    const malicious: Sample[] = names
      .slice(0, 20)
      .map((n) => ({ id: `pypi:${n}.tar.gz`, ecosystem: 'pypi', label: 'malicious', target: `/x/${n}.tar.gz`, name: n }));
    expect(selectSplit(malicious, 'train')).toEqual(malicious);
    expect(selectSplit(malicious, 'test')).toEqual(malicious);
  });

  it('reads the split name from the corpus: npm lists by name, manifests by package', () => {
    const dir = testTempDir('airlock-split-');
    writeFileSync(join(dir, 'npm.json'), JSON.stringify([{ name: '@scope/pkg', version: '1.2.3' }]));
    writeFileSync(
      join(dir, 'manifest.json'),
      JSON.stringify([{ file: 'evil-1.0.tar.gz', package: 'evil', label: 'malicious', ecosystem: 'pypi' }]),
    );
    expect(loadCorpus(join(dir, 'npm.json'))[0]).toMatchObject({ id: 'npm:@scope/pkg@1.2.3', name: '@scope/pkg' });
    expect(loadCorpus(join(dir, 'manifest.json'))[0]).toMatchObject({ id: 'pypi:evil-1.0.tar.gz', name: 'evil' });
  });

  it('checks a cached file against its pinned sha256 before anything runs; a file outside the list folder is named by its file name', () => {
    const dir = testTempDir('airlock-corpus-');
    mkdirSync(join(dir, 'cache'));
    mkdirSync(join(dir, 'lists'));
    writeFileSync(join(dir, 'cache', 'six-1.16.0-py3-none-any.whl'), 'wheel bytes');
    const sha = createHash('sha256').update('wheel bytes').digest('hex');
    const list = (sha256: string, file = '../cache/six-1.16.0-py3-none-any.whl') =>
      JSON.stringify([{ file, package: 'six', version: '1.16.0', label: 'benign', ecosystem: 'pypi', sha256 }]);
    writeFileSync(join(dir, 'lists', 'ok.json'), list(sha));
    expect(loadCorpus(join(dir, 'lists', 'ok.json'))[0]).toMatchObject({
      id: 'pypi:six-1.16.0-py3-none-any.whl',
      name: 'six',
      label: 'benign',
      target: join(dir, 'cache', 'six-1.16.0-py3-none-any.whl'),
    });
    writeFileSync(join(dir, 'lists', 'changed.json'), list('0'.repeat(64)));
    expect(() => loadCorpus(join(dir, 'lists', 'changed.json'))).toThrow(/has sha256 [0-9a-f]{64}, the list pins 0{64}/);
    writeFileSync(join(dir, 'lists', 'gone.json'), list(sha, '../cache/absent.whl'));
    expect(() => loadCorpus(join(dir, 'lists', 'gone.json'))).toThrow(/absent\.whl is missing; make it with the script/);
    // A sample in a sub-folder of the manifest keeps its path in the id (results files resume by id).
    writeFileSync(
      join(dir, 'manifest.json'),
      JSON.stringify([{ file: 'cache/six-1.16.0-py3-none-any.whl', package: 'six', ecosystem: 'pypi' }]),
    );
    expect(loadCorpus(join(dir, 'manifest.json'))[0]!.id).toBe('pypi:cache/six-1.16.0-py3-none-any.whl');
  });

  it('eval chooses the split before --only and --limit, and says which split it ran', () => {
    const samples = names.map((n) => benign(n));
    const test = chooseSamples(samples, { split: 'test', limit: 5 });
    expect(test).toHaveLength(5);
    expect(test.every((s) => splitOf(s.name) === 'test')).toBe(true);
    expect(
      chooseSamples(samples, { split: 'train', only: 'package-1' }).every((s) => splitOf(s.name) === 'train' && s.id.includes('package-1')),
    ).toBe(true);
    expect(splitLine('test', test)).toMatch(
      /^split: test \(benign samples of the test split: 5; malicious samples kept whole: 0; rule: sha256/,
    );
    expect(splitLine('all', test)).toContain('no split');
  });
});
