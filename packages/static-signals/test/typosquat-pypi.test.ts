/** Typosquat detection for PyPI names: PEP 503 normalisation and a caller-supplied popular list. */
import { existsSync, readFileSync } from 'node:fs';
import {
  buildPopularNameIndex,
  checkTyposquat,
  findTyposquatTargets,
  normalizePypiName,
  pypiNamesFromTopPackages,
} from '@airlock/static-signals';
import { describe, expect, it } from 'vitest';

const best = (name: string, index: ReturnType<typeof buildPopularNameIndex>) => {
  const [m] = findTyposquatTargets(name, index);
  return m ? [m.technique, m.target, m.distance] : null;
};

describe('PEP 503 and the top-packages document', () => {
  it('normalises names', () => {
    expect(normalizePypiName('Python_Dateutil')).toBe('python-dateutil');
    expect(normalizePypiName('zope.interface')).toBe('zope-interface');
    expect(normalizePypiName('a__-.b')).toBe('a-b');
  });

  it('reads rows most-downloaded first and skips malformed rows', () => {
    const doc = { rows: [{ project: 'b', download_count: 5 }, { project: 'a', download_count: 9 }, { nope: 1 }, { project: 'c' }] };
    expect(pypiNamesFromTopPackages(doc)).toEqual(['a', 'b', 'c']);
    expect(pypiNamesFromTopPackages(doc, 2)).toEqual(['a', 'b']);
    expect(() => pypiNamesFromTopPackages({ data: [] })).toThrow('top-pypi-packages document has no "rows" array');
  });
});

describe('PyPI typosquats against a small inline list', () => {
  const index = buildPopularNameIndex('pypi', [
    'requests',
    'jellyfish',
    'python-dateutil',
    'urllib3',
    'setuptools',
    'colorama',
    'beautifulsoup4',
    'Django',
  ]);

  it('finds the documented squats', () => {
    expect(best('reqeusts', index)).toEqual(['edit-distance', 'requests', 1]);
    expect(best('jeIlyfish', index)).toEqual(['homoglyph', 'jellyfish', 1]);
    expect(best('python3-dateutil', index)).toEqual(['edit-distance', 'python-dateutil', 1]);
    expect(best('dateutil', index)).toEqual(['affix', 'python-dateutil', 7]);
    expect(best('setup-tools', index)).toEqual(['separator', 'setuptools', 1]);
    expect(best('colourama', index)).toEqual(['edit-distance', 'colorama', 1]);
    expect(best('requests-py', index)).toEqual(['affix', 'requests', 3]);
  });

  it('treats PEP 503 spellings of a popular name as that name', () => {
    for (const name of ['requests', 'Requests', 'python_dateutil', 'Python.Dateutil', 'django', 'DJANGO'])
      expect(findTyposquatTargets(name, index)).toEqual([]);
  });

  it('emits signals tagged with the ecosystem', () => {
    expect(checkTyposquat('reqeusts', index)).toEqual([
      {
        id: 'typosquat.edit-distance',
        severity: 'medium',
        message: '"reqeusts" is 1 edit away from the popular package "requests"',
        evidence: { value: 'reqeusts' },
        details: { target: 'requests', targetRank: 0, distance: 1, technique: 'edit-distance', ecosystem: 'pypi' },
      },
    ]);
    expect(checkTyposquat('jeIlyfish', index)[0]).toMatchObject({ id: 'typosquat.homoglyph', severity: 'high' });
  });

  it('leaves unrelated names alone', () => {
    for (const name of ['airlock-tools', 'numpy', 'abc']) expect(findTyposquatTargets(name, index)).toEqual([]);
  });
});

const TOP_PYPI = new URL('../../../../shared/corpus/top-pypi-packages.json', import.meta.url);

describe.skipIf(!existsSync(TOP_PYPI))('PyPI typosquats against the top-15k data file', () => {
  const names = pypiNamesFromTopPackages(JSON.parse(readFileSync(TOP_PYPI, 'utf8')));
  const index = buildPopularNameIndex('pypi', names);

  it('loads the list in download order', () => {
    expect(names.length).toBe(15000);
    expect(names.slice(0, 3)).toEqual(['boto3', 'packaging', 'setuptools']);
  });

  it('catches squats of the corpus samples and leaves real projects alone', () => {
    expect(best('reqeusts', index)).toEqual(['edit-distance', 'requests', 1]);
    expect(best('beeautifulsoup', index)).toEqual(['edit-distance', 'beautifulsoup', 1]);
    expect(best('asynncio', index)).toEqual(['edit-distance', 'asyncio', 1]);
    expect(best('bicoinlib', index)).toEqual(['edit-distance', 'bitcoinlib', 1]);
    expect(best('urlib3', index)).toEqual(['edit-distance', 'urllib3', 1]);
    for (const name of ['requests', 'numpy', 'boto3', 'python-dateutil', 'typing_extensions'])
      expect(findTyposquatTargets(name, index)).toEqual([]);
  });
});
