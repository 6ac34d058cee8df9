import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hashImageInputs, isGeneratedCache } from '../src/images/inputs-hash.js';
import { testTempDir } from '../../../test/support/temp-dir.js';

describe('hashImageInputs', () => {
  const imageDir = () => {
    const dir = testTempDir('airlock-inputs-');
    mkdirSync(join(dir, 'runner/lib'), { recursive: true });
    writeFileSync(join(dir, 'Dockerfile'), 'FROM base\n');
    writeFileSync(join(dir, 'runner/lib/import-python.py'), 'print(1)\n');
    return dir;
  };

  it('ignores Python bytecode caches, which running the runner makes, and changes with any real input', () => {
    const dir = imageDir();
    const before = hashImageInputs(dir);
    mkdirSync(join(dir, 'runner/lib/__pycache__'));
    writeFileSync(join(dir, 'runner/lib/__pycache__/import-python.cpython-311.pyc'), 'bytecode');
    writeFileSync(join(dir, 'runner/lib/stray.pyc'), 'bytecode');
    expect(hashImageInputs(dir)).toBe(before);
    writeFileSync(join(dir, 'runner/lib/import-python.py'), 'print(2)\n');
    expect(hashImageInputs(dir)).not.toBe(before);
  });

  it('names only bytecode as a generated cache', () => {
    expect(['__pycache__', 'x.cpython-311.pyc'].map(isGeneratedCache)).toEqual([true, true]);
    expect(['import-python.py', 'pycache', 'lib'].map(isGeneratedCache)).toEqual([false, false, false]);
  });
});
