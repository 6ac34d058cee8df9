/**
 * Real trace of `npm install ../evil-pkg-1.0.0.tgz` run as an unprivileged user, where evil-pkg's
 * postinstall writes pwned.txt and connects to 127.0.0.1:9. The scorer's central question —
 * "which package's script did this?" — is answered from this trace alone.
 */
import { attributeLifecycle, buildProcessTree, currentExec, eventSignature, lineage } from '@airlock/strace';
import { describe, expect, it } from 'vitest';
import { ofType, parseFixture } from './helpers.js';

const { events, stats } = parseFixture('npm-install-postinstall.strace');
const tree = buildProcessTree(events);
const SCRIPT = `node -e "require('fs').writeFileSync('pwned.txt','x');require('net').connect(9,'127.0.0.1').on('error',()=>process.exit(0))"`;

describe('npm install with a postinstall script', () => {
  it('reads every line of a multi-threaded node trace', () => {
    expect(stats.lines).toBe(1062);
    expect(stats.unknown).toBe(0);
    expect(stats.unfinished).toBe(13);
    expect(stats.resumed).toBe(13);
    expect(stats.interrupted).toBe(0);
    expect(stats.exits).toBe(19);
  });

  it('builds the process tree: npm → sh (script) → node, threads marked', () => {
    expect(tree.roots).toEqual([20126]);
    const npm = tree.nodes.get(20126)!;
    expect(npm.execs.map((e) => [e.path, e.ok])).toEqual([
      ['/usr/bin/npm', true],
      ['/usr/bin/node', true],
    ]);
    expect(currentExec(npm)?.argv.slice(0, 3)).toEqual(['node', '/usr/bin/npm', 'install']);
    const processes = [...tree.nodes.values()].filter((n) => !n.thread).map((n) => [n.pid, n.ppid]);
    expect(processes).toEqual([
      [20126, null],
      [20137, 20126],
      [20138, 20137],
    ]);
    expect([...tree.nodes.values()].filter((n) => n.thread)).toHaveLength(16);
    const sh = tree.nodes.get(20137)!;
    // npm's PATH search: seven ENOENT probes, then /usr/bin/sh.
    expect(sh.execs.map((e) => e.errno)).toEqual(['ENOENT', 'ENOENT', 'ENOENT', 'ENOENT', 'ENOENT', 'ENOENT', 'ENOENT', null]);
    expect(currentExec(sh)).toMatchObject({
      path: '/usr/bin/sh',
      argv: ['sh', '-c', SCRIPT],
      cwd: '/home/airlock/proj/node_modules/evil-pkg',
    });
    expect(lineage(tree, 20138).map((n) => n.pid)).toEqual([20138, 20137, 20126]);
    expect(tree.nodes.get(20138)).toMatchObject({ exitCode: 0, exitSignal: null, startTs: 1795485942.197982 });
  });

  it('attributes the script’s file write and connect to evil-pkg postinstall', () => {
    const write = ofType(events, 'open').find((e) => e.requestedPath === 'pwned.txt')!;
    expect(write).toMatchObject({ pid: 20138, path: '/home/airlock/proj/node_modules/evil-pkg/pwned.txt', intent: 'create' });
    const connect = ofType(events, 'connect').find((e) => e.address?.family === 'AF_INET')!;
    expect(connect).toMatchObject({
      pid: 20138,
      address: { address: '127.0.0.1', port: 9 },
      result: { status: 'error', errno: 'EINPROGRESS' },
    });
    for (const e of [write, connect]) {
      const who = attributeLifecycle(tree, e.pid, e.ts);
      expect(who).toMatchObject({
        packageName: 'evil-pkg',
        packageVersion: '1.0.0',
        lifecycleEvent: 'postinstall',
        script: SCRIPT,
        pid: 20138,
      });
    }
    // The shell child of npm is attributed from its own exec environment.
    expect(attributeLifecycle(tree, 20137)?.pid).toBe(20137);
    // npm itself, and a worker thread of npm, run no lifecycle script.
    expect(attributeLifecycle(tree, 20126)).toBeNull();
    expect(attributeLifecycle(tree, 20133)).toBeNull();
  });

  it('gives run-independent signatures once paths are normalised', () => {
    const options = { homeDir: '/home/airlock', packageName: 'evil-pkg' };
    const signatures = new Set(events.map((e) => eventSignature(e, options)));
    expect(signatures).toContain('file.open.create <PKG>/pwned.txt = ok');
    expect(signatures).toContain('network.connect 127.0.0.1:9 = EINPROGRESS');
    expect(signatures).toContain('file.rename <HOME>/.npm/_cacache/tmp/<R> -> <HOME>/.npm/_cacache/content-v2/sha512/<HASH> = ok');
    expect(signatures).toContain('file.open.create <HOME>/.npm/_logs/<R>-debug.log = ok');
    expect(signatures).toContain('file.mkdir <HOME>/.npm/_cacache/tmp/<R> = ok');
    const withRunSpecificParts = [...signatures].filter((s) => /XWfY7P|cOKZA0|46cbd5fe|a677c538|2026-11-24/.test(s));
    expect(withRunSpecificParts).toEqual([]);
  });
});
