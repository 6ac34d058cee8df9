/**
 * Complete installs for Python archives: the dependencies a package declares (./registry's
 * `declaredPypiRequirements`) and theirs, resolved on the host to wheels the sandbox's Python installs,
 * downloaded from a PyPI index (sha256 checked) or taken from a local folder of wheels (pip's
 * `--find-links`, for a mirror or an offline machine), and installed offline before the package. On the dev
 * PyPI corpus, payloads in modules that import `wcwidth`, `multidict` or `asn1crypto` never ran: the import
 * failed first. Nothing of the package or its dependencies runs on the host.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DependencyInstall } from '@airlock/core';
import {
  chooseDependencyWheel,
  downloadPypiFile,
  listPypiReleases,
  markerApplies,
  normalizePypiName,
  parseRequirement,
  requiresDist,
  versionInRange,
  declaredPypiRequirements,
  type PypiFile,
  type PypiRequirement,
} from '@airlock/registry';
import { MAX_ARCHIVE_BYTES, prepareArchiveBuffer, WHEEL_NAME, type PreparedArchive } from '@airlock/sandbox';

/** Where a Python archive's dependencies come from: an index (PEP 691 simple API) or a folder of wheels. */
export interface PythonDependencySource {
  index?: string;
  /** A folder of `.whl` files, as pip's `--find-links` takes (no index needed). */
  findLinks?: string;
}

/**
 * The source from the settings a user gives: a wheel folder (`--pypi-wheels`, AIRLOCK_PYPI_WHEELS) before an
 * index (`--pypi-index`, AIRLOCK_PYPI_INDEX); neither: undefined (dependencies are then reported missing).
 */
export function pythonDependencySource(settings: {
  wheels?: string | undefined;
  index?: string | undefined;
}): PythonDependencySource | undefined {
  if (settings.wheels) return { findLinks: settings.wheels };
  return settings.index ? { index: settings.index } : undefined;
}

/** At most this many dependency wheels, and this many bytes of them, per analysis; more are reported missing. */
export const MAX_DEPENDENCY_WHEELS = 150;
export const MAX_DEPENDENCY_BYTES = 512 * 1024 * 1024;

interface WheelSource {
  describe: string;
  releases(name: string): Promise<Map<string, PypiFile[]> | null>;
  fetch(file: PypiFile, label: string): Promise<Buffer>;
}

/** The archive with its dependency wheels attached, and what became of each declared dependency. */
export async function withPythonDependencies(
  archive: PreparedArchive,
  from: PythonDependencySource | undefined,
  log?: (message: string, fields?: Record<string, unknown>) => void,
): Promise<{ archive: PreparedArchive; dependencies?: DependencyInstall }> {
  const declared = declaredPypiRequirements(archive.pythonMetadata, archive.files);
  if (declared.length === 0) return { archive };
  const source = from?.findLinks ? folderSource(from.findLinks) : from?.index ? indexSource(from.index) : null;
  if (!source) {
    const reason = 'no PyPI index or wheel folder given for dependencies: not fetched';
    return { archive, dependencies: { source: 'none', installed: 0, missing: declared.map((r) => missingOf(r, reason)) } };
  }
  const t0 = Date.now();
  const wheels: { fileName: string; bytes: Buffer }[] = [];
  const missing: DependencyInstall['missing'] = [];
  const seen = new Set([normalizePypiName(archive.identity.name)]);
  const queue: PypiRequirement[] = [...declared];
  let bytes = 0;
  for (let next = queue.shift(); next; next = queue.shift()) {
    if (seen.has(next.name)) continue;
    seen.add(next.name);
    if (wheels.length >= MAX_DEPENDENCY_WHEELS || bytes >= MAX_DEPENDENCY_BYTES) {
      missing.push(missingOf(next, `past the bound of ${MAX_DEPENDENCY_WHEELS} wheels or ${MAX_DEPENDENCY_BYTES} bytes of dependencies`));
      continue;
    }
    try {
      const releases = await source.releases(next.name);
      if (!releases) {
        missing.push(missingOf(next, `not on ${source.describe}`));
        continue;
      }
      const inRange = (v: string) => next.specifier === '' || versionInRange('pypi', v, next.specifier);
      const chosen = chooseDependencyWheel(releases, inRange);
      if (!chosen) {
        missing.push(
          missingOf(next, `no wheel for CPython 3.11 on x86_64 Linux in ${next.specifier || 'any version'} on ${source.describe}`),
        );
        continue;
      }
      if (!WHEEL_NAME.test(chosen.file.filename)) {
        missing.push(missingOf(next, `refused the wheel file name ${JSON.stringify(chosen.file.filename.slice(0, 200))}`));
        continue;
      }
      const body = await source.fetch(chosen.file, `pypi:${next.name}==${chosen.version}`);
      const wheel = await prepareArchiveBuffer(body, {
        label: chosen.file.filename,
        source: chosen.file.filename,
        fileName: chosen.file.filename,
      });
      wheels.push({ fileName: chosen.file.filename, bytes: body });
      bytes += body.length;
      for (const text of requiresDist(wheel.pythonMetadata ?? '')) {
        const r = parseRequirement(text);
        if (r && (r.marker === null || markerApplies(r.marker)) && !seen.has(r.name)) queue.push(r);
      }
    } catch (err) {
      missing.push(missingOf(next, (err as Error).message));
    }
  }
  log?.('python dependencies fetched', { wheels: wheels.length, missing: missing.length, bytes, ms: Date.now() - t0 });
  return {
    archive: { ...archive, pythonDeps: wheels },
    dependencies: { source: 'registry', installed: wheels.length, missing },
  };
}

function missingOf(r: PypiRequirement, reason: string): DependencyInstall['missing'][number] {
  return { name: r.name, spec: r.specifier || '*', optional: false, reason };
}

function indexSource(index: string): WheelSource {
  return {
    describe: index,
    releases: (name) => listPypiReleases(name, index),
    fetch: (file, label) => downloadPypiFile(file, label, MAX_ARCHIVE_BYTES),
  };
}

/** A folder of wheels, grouped by the project name and version their file names carry. */
function folderSource(dir: string): WheelSource {
  let listing: Promise<Map<string, Map<string, PypiFile[]>>> | null = null;
  const load = async () => {
    const byProject = new Map<string, Map<string, PypiFile[]>>();
    for (const filename of await readdir(dir)) {
      if (!/\.whl$/i.test(filename)) continue;
      const [name, version] = filename.split('-');
      if (!name || !version) continue;
      const project = normalizePypiName(name);
      const releases = byProject.get(project) ?? new Map<string, PypiFile[]>();
      releases.set(version, [...(releases.get(version) ?? []), { filename, url: join(dir, filename), kind: 'wheel', yanked: false }]);
      byProject.set(project, releases);
    }
    return byProject;
  };
  return {
    describe: `the wheel folder ${dir}`,
    releases: async (name) => (await (listing ??= load())).get(normalizePypiName(name)) ?? null,
    fetch: (file) => readFile(file.url),
  };
}
