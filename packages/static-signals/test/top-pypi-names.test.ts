/** The vendored top-PyPI snapshot the pipeline checks PyPI names against (no file read at run time). */
import { checkTyposquat, findTyposquatTargets, pypiPopularNameIndex, TOP_PYPI_NAMES, TOP_PYPI_SNAPSHOT } from '@airlock/static-signals';
import { describe, expect, it } from 'vitest';

describe('vendored top PyPI names', () => {
  it('holds the 5000 most downloaded projects in download order, from a dated snapshot', () => {
    expect(TOP_PYPI_NAMES).toHaveLength(5000);
    expect(new Set(TOP_PYPI_NAMES).size).toBe(5000);
    expect(TOP_PYPI_NAMES.slice(0, 3)).toEqual(['boto3', 'packaging', 'setuptools']);
    expect(TOP_PYPI_NAMES).toContain('requests');
    expect(TOP_PYPI_SNAPSHOT).toMatch(/^\d{4}-\d{2}-\d{2}/);
  });

  it('catches the typosquats among the corpus samples and leaves popular projects alone', () => {
    const index = pypiPopularNameIndex();
    const target = (name: string) => findTyposquatTargets(name, index)[0]?.target;
    expect(target('beeautifulsoup')).toBe('beautifulsoup4');
    expect(target('cryptographyy')).toBe('cryptography');
    expect(target('discord.pu')).toBe('discord-py');
    expect(target('matploptlib')).toBe('matplotlib');
    expect(target('requeksts')).toBe('requests');
    for (const name of ['requests', 'Requests', 'python_dateutil', 'typing-extensions', 'numpy'])
      expect(findTyposquatTargets(name, index)).toEqual([]);
    expect(checkTyposquat('requestss', index, { file: 'METADATA' })[0]).toMatchObject({
      id: 'typosquat.edit-distance',
      evidence: { file: 'METADATA', value: 'requestss' },
      details: { target: 'requests', ecosystem: 'pypi' },
    });
  });

  it('is built once', () => {
    expect(pypiPopularNameIndex()).toBe(pypiPopularNameIndex());
  });
});
