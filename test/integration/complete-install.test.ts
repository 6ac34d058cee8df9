import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeLocalPackage } from '@airlock/analysis';
import { fetchLocalNpmTree, fetchNpmTree } from '@airlock/registry';
import { connectDocker, preparePackageArchive } from '@airlock/sandbox';
import { reportSchemaErrors } from '../support/report-schema.js';
import { testTempDir } from '../support/temp-dir.js';

// Complete installs of local archives: their registry dependencies (small pinned packages from the real
// npm registry, cached) are resolved on the host and installed offline with them in the sandbox.
const cacheDir = testTempDir('airlock-npm-cache-');
const artifactsRoot = testTempDir('airlock-complete-');
const docker = connectDocker();
const fixture = resolve(__dirname, '../fixtures/incidents/mal-dependency-gated-stealer');

/** A package folder made here (its code runs only in the sandbox). */
function packageDir(manifest: Record<string, unknown>, files: Record<string, string> = {}): string {
  const dir = testTempDir('airlock-local-pkg-');
  writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

async function localArchive(dir: string) {
  const archive = await preparePackageArchive(dir);
  const manifest = JSON.parse(archive.files.find((f) => f.path.endsWith('/package.json'))!.text!) as Record<string, unknown>;
  const { name, version } = archive.identity;
  return { name, version, integrity: archive.identity.archive.integrity, tgz: archive.tgz, manifest, hasBindingGyp: false };
}

describe('complete installs of local npm archives', () => {
  it('puts the archive itself in the tree, never the registry package of the same name (same-name trap)', async () => {
    // The registry has a different is-number@7.0.0: the local one must be installed, not resolved by name.
    const dir = packageDir(
      { name: 'is-number', version: '7.0.0', dependencies: { 'kind-of': '6.0.3' } },
      { 'index.js': 'module.exports = 1;\n' },
    );
    const archive = await localArchive(dir);
    const registryOne = (await fetchNpmTree('is-number@7.0.0', { cacheDir })).root;
    const tree = await fetchLocalNpmTree(archive, { cacheDir });
    const lock = JSON.parse(tree.lockfile) as { packages: Record<string, { integrity?: string; dependencies?: object }> };
    expect(registryOne.integrity).not.toBe(archive.integrity);
    expect(lock.packages['node_modules/is-number']).toMatchObject({ integrity: archive.integrity, dependencies: { 'kind-of': '6.0.3' } });
    expect(lock.packages['node_modules/kind-of']).toMatchObject({ version: '6.0.3' });
    expect(tree.tarballs.filter((t) => t.name === 'is-number').map((t) => t.tgz.equals(archive.tgz))).toEqual([true]);
    expect(JSON.parse(tree.manifest)).toMatchObject({ dependencies: { 'is-number': '7.0.0' } });
    expect(tree.missing).toEqual([]);
  });

  it('names a dependency that cannot be had and keeps the rest of the tree', async () => {
    const dir = packageDir({
      name: 'airlock-local-with-missing',
      version: '1.0.0',
      dependencies: { 'is-number': '7.0.0', 'airlock-no-such-package-zz9q': '1.0.0' },
      optionalDependencies: { 'kind-of': '6.0.3' },
    });
    const tree = await fetchLocalNpmTree(await localArchive(dir), { cacheDir });
    expect(tree.missing).toEqual([
      expect.objectContaining({
        name: 'airlock-no-such-package-zz9q',
        spec: '1.0.0',
        optional: false,
        reason: expect.stringMatching(/not found/),
      }),
    ]);
    expect(tree.tarballs.map((t) => t.name).sort()).toEqual(['airlock-local-with-missing', 'is-number', 'kind-of']);
    const entry = (JSON.parse(tree.lockfile) as { packages: Record<string, Record<string, unknown>> }).packages[
      'node_modules/airlock-local-with-missing'
    ];
    expect(entry).toMatchObject({ dependencies: { 'is-number': '7.0.0' }, optionalDependencies: { 'kind-of': '6.0.3' } });
  });

  it('installs a stealer that needs its registry dependency, which then runs: malicious (benign when installed alone)', async () => {
    const complete = await analyzeLocalPackage(fixture, { docker, artifactsRoot, npm: { cacheDir } });
    expect(reportSchemaErrors(complete)).toEqual([]);
    expect(complete.dependencies).toEqual({ source: 'registry', installed: 1, missing: [] });
    expect(complete.phases.find((p) => p.name === 'install')).toMatchObject({ status: 'completed', exitCode: 0 });
    expect(complete.fsDiff).toContainEqual(
      expect.objectContaining({ path: '/home/jordan/projects/app/node_modules/is-number', kind: 'added' }),
    );
    expect(complete.network.tcp.some((c) => c.http?.method === 'POST')).toBe(true);
    expect(complete.verdict?.verdict).toBe('malicious');

    // The same archive without a registry: the dependency is named as missing and the payload never ran.
    const alone = await analyzeLocalPackage(fixture, { docker, artifactsRoot, ciProfile: false, retry: false });
    expect(alone.dependencies).toEqual({
      source: 'none',
      installed: 0,
      missing: [expect.objectContaining({ name: 'is-number', spec: '7.0.0', optional: false })],
    });
    expect(alone.evidenceGaps).toContainEqual(expect.objectContaining({ kind: 'install.dependencies-missing', dropped: 1 }));
    expect(alone.network.tcp.some((c) => c.http?.method === 'POST')).toBe(false);
    expect(alone.verdict?.verdict).not.toBe('malicious');
  });

  it("keeps the sandbox's npm below 12 and runs a dependency's install script in a complete install", async () => {
    // npm 12 no longer runs dependencies' install scripts by default: the pin keeps them running.
    const runtime = JSON.parse(readFileSync(resolve(__dirname, '../../sandbox-images/npm/runtime.json'), 'utf8')) as {
      npm: { version: string };
    };
    expect(Number(runtime.npm.version.split('.')[0])).toBeLessThan(12);
    const dir = packageDir({ name: 'airlock-local-with-native-dep', version: '1.0.0', dependencies: { bufferutil: '4.1.0' } });
    const r = await analyzeLocalPackage(dir, { docker, artifactsRoot, npm: { cacheDir }, ciProfile: false, retry: false, callView: false });
    expect(r.dependencies).toMatchObject({ source: 'registry', missing: [] });
    const script = r.processes.find((p) => p.argv.join(' ') === 'sh -c node-gyp-build');
    expect(script?.attribution).toMatchObject({ packageName: 'bufferutil', event: 'install', script: 'node-gyp-build' });
  });
});
