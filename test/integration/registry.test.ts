import { describe, expect, it } from 'vitest';
import { analyzeNpmSpec } from '@airlock/analysis';
import { fetchNpmTree, fetchVerifiedTarball, parseNpmrc } from '@airlock/registry';
import { buildMaliciousIndex, parseOsvMalicious } from '@airlock/static-signals';
import { connectDocker } from '@airlock/sandbox';
import { testTempDir } from '../support/temp-dir.js';

// Against the real npm registry (reachable from these machines) for small pinned packages; the
// packages run only inside the sandbox.
const cacheDir = testTempDir('airlock-npm-cache-');
const artifactsRoot = testTempDir('airlock-reg-');
const docker = connectDocker();

describe('npm registry packages with their dependency trees', () => {
  it('resolves chalk@4.1.2 to its six-package tree, every tarball verified, and installs it offline', async () => {
    const tree = await fetchNpmTree('chalk@4.1.2', { cacheDir });
    expect(tree.root).toMatchObject({ name: 'chalk', version: '4.1.2', location: 'node_modules/chalk' });
    expect(tree.tarballs.map((t) => t.name).sort()).toEqual([
      'ansi-styles',
      'chalk',
      'color-convert',
      'color-name',
      'has-flag',
      'supports-color',
    ]);
    expect(tree.tarballs.every((t) => t.integrity.startsWith('sha512-') && t.tgz.length > 0)).toBe(true);

    const r = await analyzeNpmSpec('chalk@4.1.2', { docker, artifactsRoot, cacheDir });
    expect(r.package).toMatchObject({ ecosystem: 'npm', name: 'chalk', version: '4.1.2' });
    expect(r.package.archive.source).toBe('npm:chalk@4.1.2');
    expect(r.phases.map((p) => [p.name, p.status, p.exitCode])).toEqual([
      ['install', 'completed', 0],
      ['import', 'completed', 0],
    ]);
    for (const dep of ['chalk', 'supports-color', 'color-name']) {
      expect(r.fsDiff).toContainEqual(expect.objectContaining({ path: `/home/jordan/projects/app/node_modules/${dep}`, kind: 'added' }));
    }
    expect(r.importResult).toMatchObject({ require: { ok: true } });
  });

  it("runs a dependency's install script and attributes it to that package (bufferutil: node-gyp-build)", async () => {
    const r = await analyzeNpmSpec('bufferutil@4.1.0', { docker, artifactsRoot, cacheDir });
    const script = r.processes.find((p) => p.argv.join(' ') === 'sh -c node-gyp-build');
    expect(script?.attribution).toMatchObject({ packageName: 'bufferutil', event: 'install', script: 'node-gyp-build' });
  });

  it('sends a scoped package to its scoped registry from an .npmrc, and others to the default', async () => {
    // The scope's registry is a closed loopback port: resolution must go there (and fail), not to npmjs.
    const npmrc = parseNpmrc('@sindresorhus:registry=http://127.0.0.1:9/\n');
    await expect(fetchNpmTree('@sindresorhus/is@4.6.0', { cacheDir: testTempDir('airlock-npmrc-'), npmrc })).rejects.toThrow(
      /127\.0\.0\.1:9/,
    );
    const unscoped = await fetchNpmTree('is-number@7.0.0', { cacheDir, npmrc });
    expect(unscoped.root.tgz.length).toBeGreaterThan(0);
  });

  it("flags a dependency's known-malicious OSV match and an internal name, and finds no manifest confusion in an honest package", async () => {
    const feed = buildMaliciousIndex(
      parseOsvMalicious({ id: 'MAL-2099-0001', affected: [{ package: { ecosystem: 'npm', name: 'ansi-styles' }, versions: ['4.3.0'] }] }),
    );
    const r = await analyzeNpmSpec('chalk@4.1.2', {
      docker,
      artifactsRoot,
      cacheDir,
      signalPolicy: { malicious: feed, internal: { names: ['has-flag'] } },
    });
    const ids = r.staticSignals.map((s) => `${s.id} ${s.evidence.value ?? ''}`);
    expect(ids).toContainEqual(expect.stringMatching(/^known-malicious\.osv .*ansi-styles/));
    expect(ids).toContainEqual(expect.stringMatching(/^dependency-confusion\.internal-name has-flag@4\.0\.0/));
    expect(ids.filter((i) => i.startsWith('manifest-confusion'))).toEqual([]);
  });

  it('fails loudly when a tarball does not match the integrity it must have', async () => {
    const wrong = `sha512-${Buffer.alloc(64, 7).toString('base64')}`;
    await expect(
      fetchVerifiedTarball('https://registry.npmjs.org/is-number/-/is-number-7.0.0.tgz', wrong, { cacheDir }),
    ).rejects.toMatchObject({
      code: 'ARCHIVE_REJECTED',
      message: expect.stringMatching(/does not match its registry integrity/),
    });
  });

  it('refuses git and URL specs before fetching anything, and says when a package does not exist', async () => {
    await expect(fetchNpmTree('github:npm/cli', { cacheDir })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(fetchNpmTree('https://example.com/x.tgz', { cacheDir })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(fetchNpmTree('airlock-no-such-package-3f9c2a7b1e@1.0.0', { cacheDir })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringMatching(/not found in the registry/),
    });
  });
});
