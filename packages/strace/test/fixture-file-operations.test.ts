/**
 * Real trace: `sh -c 'cd /tmp/fx/fs && mkdir sub && cd sub && echo hi > a.txt ...; exit 5'`
 * recorded with the sandbox's strace flags (see fixtures/README.md).
 */
import { buildProcessTree } from '@airlock/strace';
import { describe, expect, it } from 'vitest';
import { ofType, parseFixture } from './helpers.js';

const { events, stats } = parseFixture('sh-file-operations.strace');

describe('sh file operations fixture', () => {
  it('reads every line', () => {
    expect(stats.lines).toBe(205);
    expect(stats.unknown).toBe(0);
    expect(stats.unknownSamples).toEqual([]);
    expect(stats.unfinished).toBe(stats.resumed);
    expect(stats.orphanResumed).toBe(0);
  });

  it('emits the file changes in order, with paths made absolute', () => {
    const changes = events
      .filter((e) => e.category === 'file' && e.type !== 'open' && e.type !== 'readdir')
      .map((e) => {
        switch (e.type) {
          case 'rename':
            return `${e.type} ${e.path} -> ${e.newPath} ${e.flags.join('|')}`;
          case 'link':
            return `${e.type} ${e.path} -> ${e.target} ${e.symbolic ? 'symbolic' : 'hard'}`;
          case 'chmod':
          case 'mkdir':
            return `${e.type} ${e.path} ${e.mode?.toString(8)}`;
          case 'chown':
            return `${e.type} ${e.path} ${e.uid}:${e.gid}`;
          case 'truncate':
            return `${e.type} ${e.path} ${e.length}`;
          default:
            return `${e.type} ${e.path}`;
        }
      });
    expect(changes).toEqual([
      'chdir /tmp/fx/fs',
      // `mkdir("sub")` is relative and has no dirfd: resolved from the cwd inherited at vfork.
      'mkdir /tmp/fx/fs/sub 777',
      'chdir /tmp/fx/fs/sub',
      'rename /tmp/fx/fs/sub/a.txt -> /tmp/fx/fs/sub/b.txt RENAME_NOREPLACE',
      'link /tmp/fx/fs/sub/link -> b.txt symbolic',
      'link /tmp/fx/fs/sub/hard -> /tmp/fx/fs/sub/b.txt hard',
      'chmod /tmp/fx/fs/sub/b.txt 755',
      'chown /tmp/fx/fs/sub/b.txt 65534:65534',
      'truncate /tmp/fx/fs/sub/b.txt 1',
      'unlink /tmp/fx/fs/sub/b.txt',
      'unlink /tmp/fx/fs/sub/link',
      'unlink /tmp/fx/fs/sub/hard',
      'chdir /tmp/fx/fs',
      'rmdir /tmp/fx/fs/sub',
    ]);
  });

  it('classifies open intents and keeps errors', () => {
    const opens = ofType(events, 'open').filter((e) => e.path.startsWith('/tmp/fx') || e.path === '/nonexistent' || e.path === '/dev/null');
    expect(opens.map((e) => [e.path, e.intent, e.result.status === 'error' ? e.result.errno : e.fd])).toEqual([
      ['/tmp/fx/fs/sub/a.txt', 'create', 3],
      ['/tmp/fx/fs/sub/a.txt', 'create', 3],
      ['/dev/null', 'create', 3],
      ['/tmp/fx/fs/sub/a.txt', 'read', 3],
      ['/tmp/fx/fs/sub/b.txt', 'create', 3], // truncate(1) opens with O_CREAT
      ['/tmp/fx/fs/sub', 'read', 3], // ls opens "."
      ['/nonexistent', 'read', 'ENOENT'],
    ]);
    const devNull = opens.find((e) => e.path === '/dev/null')!;
    // `= 3</dev/null<char 1:3>>`: the nested device note is not part of the path.
    expect(devNull.resolvedPath).toBe('/dev/null');
    expect(devNull.flags).toEqual(['O_WRONLY', 'O_CREAT', 'O_TRUNC']);
    expect(devNull.mode).toBe(0o666);
    const missing = opens.find((e) => e.path === '/nonexistent')!;
    expect(missing.result).toEqual({
      status: 'error',
      errno: 'ENOENT',
      message: 'No such file or directory',
      raw: '-1 ENOENT (No such file or directory)',
    });
  });

  it('reports directory listings with their entry counts', () => {
    const listings = ofType(events, 'readdir');
    expect(listings.map((e) => [e.pid, e.path, e.entryCount])).toEqual([
      [20542, '/tmp/fx/fs/sub', 5],
      [20542, '/tmp/fx/fs/sub', 0],
    ]);
  });

  it('records exec with argv, env and the cwd at exec time', () => {
    const mkdirExec = ofType(events, 'exec').find((e) => e.argv[0] === 'mkdir')!;
    expect(mkdirExec).toMatchObject({
      pid: 20532,
      path: '/usr/bin/mkdir',
      argv: ['mkdir', 'sub'],
      env: ['HOME=/home/airlock', 'OLDPWD=/tmp/fx', 'PATH=/usr/bin:/bin', 'PWD=/tmp/fx/fs'],
      envCount: 4,
      cwd: '/tmp/fx/fs',
      truncated: false,
      // The unfinished half's entry time, not the resume time.
      ts: 1795485957.524584,
    });
    expect(mkdirExec.result).toEqual({ status: 'ok', value: 0, raw: '0' });
  });

  it('builds the shell process tree with exit codes', () => {
    const tree = buildProcessTree(events);
    expect(tree.roots).toEqual([20531]);
    const root = tree.nodes.get(20531)!;
    expect(root.exitCode).toBe(5);
    expect(root.children).toHaveLength(13);
    const programs = root.children.map((pid) => tree.nodes.get(pid)!.execs.at(-1)?.argv[0] ?? '(subshell)');
    expect(programs).toEqual(['mkdir', 'cat', 'mv', 'ln', 'ln', 'chmod', 'chown', 'truncate', 'ls', 'cat', 'rm', 'rmdir', '(subshell)']);
    const subshell = tree.nodes.get(root.children.at(-1)!)!;
    expect(subshell.exitCode).toBe(3);
    const failedCat = tree.nodes.get(root.children[9]!)!;
    expect(failedCat.exitCode).toBe(1);
  });
});
