import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeLocalPackage } from '@airlock/analysis';
import { connectDocker } from '@airlock/sandbox';
import { buildZip } from '../fixtures/pypi/zip-writer.js';
import { testTempDir } from '../support/temp-dir.js';

// The sandbox installs sdists offline without build isolation, so the PEP 517 backend named in
// pyproject.toml must already be in the image. Without it pip fails before any project code runs and a
// benign corpus would count the failure as "nothing happened". One tiny sdist per common backend (all
// written here, nothing third-party), each installed and imported in the real sandbox.
const docker = connectDocker();
const work = testTempDir('airlock-backends-');

const project = (name: string, backend: string, requires: string) =>
  `[build-system]\nrequires = ["${requires}"]\nbuild-backend = "${backend}"\n\n[project]\nname = "${name}"\nversion = "0.1.0"\ndescription = "backend check"\n`;

const SDISTS: Record<string, { pyproject: string }> = {
  hatchling: { pyproject: project('airlock_hatch_probe', 'hatchling.build', 'hatchling') },
  flit_core: { pyproject: project('airlock_flit_probe', 'flit_core.buildapi', 'flit_core') },
  'poetry-core': {
    pyproject:
      '[build-system]\nrequires = ["poetry-core"]\nbuild-backend = "poetry.core.masonry.api"\n\n' +
      '[tool.poetry]\nname = "airlock_poetry_probe"\nversion = "0.1.0"\ndescription = "backend check"\nauthors = ["Airlock <airlock@example.org>"]\n',
  },
};

function sdist(backend: string): string {
  const pyproject = SDISTS[backend]!.pyproject;
  const name = /name = "([^"]+)"/.exec(pyproject)![1]!;
  const root = `${name}-0.1.0`;
  const file = join(work, `${root}.zip`);
  writeFileSync(
    file,
    buildZip([
      { name: `${root}/pyproject.toml`, data: pyproject },
      { name: `${root}/PKG-INFO`, data: `Metadata-Version: 2.1\nName: ${name}\nVersion: 0.1.0\n` },
      { name: `${root}/README.md`, data: 'probe\n' },
      { name: `${root}/${name}/__init__.py`, data: `"""Backend probe."""\n__version__ = "0.1.0"\nBACKEND = "${backend}"\n` },
    ]),
  );
  return file;
}

describe('the PyPI sandbox has the common build backends', () => {
  for (const backend of Object.keys(SDISTS)) {
    it(`an sdist built with ${backend} installs offline and imports`, async () => {
      const r = await analyzeLocalPackage(sdist(backend), {
        docker,
        artifactsRoot: work,
        platformViews: false,
        timeoutsMs: { install: 180_000 },
      });
      const install = r.phases.find((p) => p.name === 'install')!;
      expect(install.stderr.text).not.toMatch(/BackendUnavailable|No module named/);
      expect(r.phases.map((p) => [p.name, p.status, p.exitCode])).toEqual([
        ['install', 'completed', 0],
        ['import', 'completed', 0],
      ]);
      expect(r.fsDiff).toContainEqual(
        expect.objectContaining({ path: expect.stringMatching(/\/site-packages\/airlock_\w+_probe\/__init__\.py$/), kind: 'added' }),
      );
    }, 400_000);
  }
});
