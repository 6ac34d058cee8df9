import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { npmTopDownloads } from 'npm-high-impact';
import { splitOf } from '../src/eval/corpus.js';

// The benign corpora in test/corpora are made by scripts from rules written before any package ran
// (test/corpora/README.md). These checks hold the committed lists to those rules, so a hand edit or a
// script change that breaks a rule (a duplicate, a name pinned twice, a rank that does not match its
// source list) fails here rather than skewing a measured rate. The files themselves are not read.
const repo = resolve(__dirname, '../../..');
const read = <T>(path: string) => JSON.parse(readFileSync(resolve(repo, path), 'utf8')) as T;

interface NpmEntry {
  name: string;
  version: string;
  sha256: string;
  integrity: string;
  rank: number;
  why: string;
  scripts?: Record<string, string>;
  gypfile?: boolean;
}
interface PypiEntry {
  file: string;
  package: string;
  version: string;
  ecosystem: string;
  label: string;
  sha256: string;
  rank: number;
}

const npm = read<NpmEntry[]>('test/corpora/npm-benign.json');
const older = [
  ...read<{ name: string }[]>('../shared/corpus/npm-benign-dev.json'),
  ...read<{ name: string }[]>('test/corpora/npm-install-scripts.json'),
];
const normalize = (name: string) => name.toLowerCase().replace(/[-_.]+/g, '-');

describe('test/corpora/npm-benign.json', () => {
  it('holds the top 1,000 by downloads plus install-time code among the top 5,000, each name once', () => {
    const top = npm.filter((e) => e.why.startsWith('top 1000 by downloads'));
    expect(top).toHaveLength(1000);
    expect(new Set(npm.map((e) => e.name)).size).toBe(npm.length);
    for (const e of npm) {
      expect(npmTopDownloads[e.rank - 1], `${e.name}: rank ${e.rank} in npm-high-impact's download order`).toBe(e.name);
      expect(e.rank).toBeLessThanOrEqual(5000);
      if (!e.why.startsWith('top 1000')) expect(Object.keys(e.scripts ?? {}).length > 0 || e.gypfile === true, e.name).toBe(true);
    }
    expect(npm.map((e) => e.rank)).toEqual([...npm.map((e) => e.rank)].sort((a, b) => a - b));
  });

  it('leaves out every name already pinned in the dev corpus or npm-install-scripts.json', () => {
    const pinned = new Set(older.map((e) => e.name));
    expect(npm.filter((e) => pinned.has(e.name)).map((e) => e.name)).toEqual([]);
  });

  it('pins each version by the tarball sha256 and the registry sha512', () => {
    for (const e of npm) {
      expect(e.version, e.name).toMatch(/^\d+\.\d+\.\d+/);
      expect(e.sha256, e.name).toMatch(/^[0-9a-f]{64}$/);
      expect(e.integrity, e.name).toMatch(/^sha512-[A-Za-z0-9+/]{86}==$/);
    }
  });

  it('gives the npm test split at least 500 packages over the three lists (the issue asks for 500 measured)', () => {
    const names = new Set([...npm.map((e) => e.name), ...older.map((e) => e.name)]);
    expect([...names].filter((n) => splitOf(n) === 'test').length).toBeGreaterThanOrEqual(500);
  });
});

describe('test/corpora/pypi-benign-debian.json', () => {
  const pypi = read<PypiEntry[]>('test/corpora/pypi-benign-debian.json');
  const top = read<{ rows: { project: string }[] }>('../shared/corpus/top-pypi-packages.json').rows;

  it('holds at least 300 projects of the top-PyPI order, each once, each a benign pypi wheel kept outside git', () => {
    expect(pypi.length).toBeGreaterThanOrEqual(300);
    expect(new Set(pypi.map((e) => e.package)).size).toBe(pypi.length);
    for (const e of pypi) {
      expect(normalize(top[e.rank - 1]!.project), `${e.package}: rank ${e.rank}`).toBe(e.package);
      expect(e).toMatchObject({ ecosystem: 'pypi', label: 'benign' });
      expect(e.file, e.package).toMatch(/^\.\.\/\.\.\/\.airlock\/corpora\/pypi\/[\w.+-]+\.whl$/);
      expect(e.sha256, e.package).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(pypi.map((e) => e.rank)).toEqual([...pypi.map((e) => e.rank)].sort((a, b) => a - b));
  });
});

describe('test/corpora/pypi-benign-sdists.json', () => {
  const sdists = read<(PypiEntry & { source: { repo: string; tag: string; commit: string; built_in: string } })[]>(
    'test/corpora/pypi-benign-sdists.json',
  );
  const debian = new Map(read<PypiEntry[]>('test/corpora/pypi-benign-debian.json').map((e) => [e.package, e]));

  it('builds only projects of the Debian list, at the tag of the same upstream version, each once, each traceable to a commit', () => {
    expect(sdists.length).toBeGreaterThan(0);
    expect(new Set(sdists.map((e) => e.package)).size).toBe(sdists.length);
    for (const e of sdists) {
      expect(debian.get(e.package)?.version.split('+')[0], e.package).toBe(e.version);
      expect(e.source.tag, e.package).toMatch(new RegExp(`(^|[-v])${e.version.replace(/\./g, '\\.')}$`));
      expect(e.source.commit, e.package).toMatch(/^[0-9a-f]{40}$/);
      expect(e.source.repo, e.package).toMatch(/^github:[\w.-]+\/[\w.-]+$/);
      expect(e.file, e.package).toMatch(/^\.\.\/\.\.\/\.airlock\/corpora\/pypi-sdists\/[\w.+-]+\.(tar\.gz|zip)$/);
      expect(e.sha256, e.package).toMatch(/^[0-9a-f]{64}$/);
    }
  });
});
