/**
 * Complete installs for local archives (CLI paths, service uploads): an npm archive's registry
 * dependencies are resolved and fetched on the host (packages/registry/src/local-npm-tree.ts) and installed
 * offline with it, as a registry package's tree is; a Python archive's as wheels (./python-dependencies.ts). Half of the real npm malware measured came out benign
 * because `require()` of a missing dependency failed before any of its code ran.
 */
import type { DependencyInstall, EvidenceGap } from '@airlock/core';
import { declaredDependencies, fetchLocalNpmTree, type FetchNpmOptions } from '@airlock/registry';
import { SANDBOX_INSTALL_PLATFORM, type PreparedArchive } from '@airlock/sandbox';
import { withPythonDependencies, type PythonDependencySource } from './python-dependencies.js';

export interface LocalDependencyOptions {
  /** Where a local npm archive's dependencies come from; absent: none are fetched (each is named as missing). */
  npm?: FetchNpmOptions;
  /** Where a Python archive's dependencies come from (./python-dependencies.ts); absent: none are fetched. */
  pypi?: PythonDependencySource;
  log?: (message: string, fields?: Record<string, unknown>) => void;
}

/** The archive with its dependency tree attached when it declares registry dependencies, and what became of them. */
export async function withDependencies(
  archive: PreparedArchive,
  options: LocalDependencyOptions,
): Promise<{ archive: PreparedArchive; dependencies?: DependencyInstall }> {
  if (archive.identity.ecosystem === 'pypi') return withPythonDependencies(archive, options.pypi, options.log);
  if (archive.tree) return { archive };
  const text = archive.files.find((f) => /^[^/]+\/package\.json$/.test(f.path))?.text;
  const manifest = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  const declared = declaredDependencies(manifest);
  if (declared.length === 0) return { archive };
  if (!options.npm) {
    const reason = 'no registry given for dependencies: not fetched';
    return { archive, dependencies: { source: 'none', installed: 0, missing: declared.map((d) => ({ ...d, reason })) } };
  }
  const { name, version, archive: bytes } = archive.identity;
  const t0 = Date.now();
  try {
    const tree = await fetchLocalNpmTree(
      {
        name,
        version,
        integrity: bytes.integrity,
        tgz: archive.tgz,
        manifest,
        hasBindingGyp: archive.files.some((f) => /^[^/]+\/binding\.gyp$/.test(f.path)),
      },
      { ...options.npm, installPlatform: SANDBOX_INSTALL_PLATFORM },
    );
    options.log?.('local archive dependencies fetched', {
      packages: tree.tarballs.length - 1,
      missing: tree.missing.length,
      ms: Date.now() - t0,
    });
    return {
      archive: {
        ...archive,
        tree: {
          manifest: tree.manifest,
          lockfile: tree.lockfile,
          tarballs: tree.tarballs.map((t, i) => ({ fileName: `${i}-${t.name.replace('/', '+')}-${t.version}.tgz`, tgz: t.tgz })),
        },
      },
      dependencies: { source: 'registry', installed: tree.tarballs.length - 1, missing: tree.missing },
    };
  } catch (err) {
    // The registry could not answer, or the tree cannot hold the archive: installed alone, as before, and said so.
    const reason = (err as Error).message;
    options.log?.('local archive dependencies not fetched', { err: reason });
    return { archive, dependencies: { source: 'registry', installed: 0, missing: declared.map((d) => ({ ...d, reason })) } };
  }
}

/**
 * Required dependencies that could not be had, as an evidence gap. Not `hidesBehaviour`: like a failed
 * install, the code that needed them may not have run, but the run saw what it saw; named so a reader knows.
 */
export function missingDependencyGaps(dependencies: DependencyInstall | undefined): EvidenceGap[] {
  const missing = (dependencies?.missing ?? []).filter((d) => !d.optional);
  if (missing.length === 0) return [];
  const names = missing.map((d) => `${d.name}@${d.spec}`).join(', ');
  return [
    {
      source: 'sandbox',
      kind: 'install.dependencies-missing',
      phase: 'install',
      message: `dependencies not installed (code that requires them may not have run): ${names.slice(0, 300)}`,
      dropped: missing.length,
      limit: null,
      hidesBehaviour: false,
    },
  ];
}
