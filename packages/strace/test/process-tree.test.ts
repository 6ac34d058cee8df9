/** Process tree and lifecycle attribution on hand-written traces covering the awkward orderings. */
import { ProcessTreeBuilder, attributeLifecycle, buildProcessTree, currentExec, envLookup, envToRecord } from '@airlock/strace';
import { describe, expect, it } from 'vitest';
import { parseLines } from './helpers.js';

const npmEnv = (event: string, name: string, script: string): string =>
  JSON.stringify([
    `npm_lifecycle_event=${event}`,
    `npm_package_name=${name}`,
    'npm_package_version=2.0.0',
    `npm_lifecycle_script=${script}`,
    'PATH=/usr/bin',
  ]);

describe('buildProcessTree', () => {
  it('links children whose lines appear before the parent’s clone returns', () => {
    const { events } = parseLines(
      '1 1.0 execve("/usr/bin/npm", ["npm", "i"], ["HOME=/h"]) = 0',
      '1 1.1 clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x1 <unfinished ...>',
      `2 1.2 execve("/bin/sh", ["sh", "-c", "node install.js"], ${npmEnv('install', 'native-thing', 'node install.js')}) = 0`,
      '1 1.3 <... clone resumed>) = 2',
      '2 1.4 vfork() = 3',
      '3 1.5 execve("/usr/bin/node", ["node", "install.js"], 0x7ffd /* 5 vars */) = 0',
      '3 1.6 clone3({flags=CLONE_VM|CLONE_THREAD|CLONE_SIGHAND, exit_signal=0} => {parent_tid=[4]}, 88) = 4',
      '4 1.7 connect(9<TCP:[1]>, {sa_family=AF_INET, sin_port=htons(443), sin_addr=inet_addr("203.0.113.10")}, 16) = -1 EINPROGRESS (Operation now in progress)',
      '4 1.8 exit(0) = ?',
      '4 1.8 +++ exited with 0 +++',
      '3 1.9 exit_group(0) = ?',
      '3 1.9 +++ exited with 0 +++',
      '2 2.0 +++ exited with 7 +++',
      '1 2.1 +++ killed by SIGTERM +++',
    );
    const tree = buildProcessTree(events);
    expect(tree.roots).toEqual([1]);
    expect(
      [...tree.nodes.values()].map((n) => [n.pid, n.ppid, n.thread, n.children, n.startTs, n.exitTs, n.exitCode, n.exitSignal]),
    ).toEqual([
      [1, null, false, [2], 1.0, 2.1, null, 'SIGTERM'],
      // Child 2 was seen at 1.2 but spawned by a call that started at 1.1: the earlier time wins.
      [2, 1, false, [3], 1.1, 2.0, 7, null],
      [3, 2, false, [4], 1.4, 1.9, 0, null],
      [4, 3, true, [], 1.6, 1.8, 0, null],
    ]);
    expect(currentExec(tree.nodes.get(3)!)).toMatchObject({ path: '/usr/bin/node', env: null });

    // The thread's connect is attributed through node (env elided) to the sh exec that npm started.
    expect(attributeLifecycle(tree, 4)).toMatchObject({
      packageName: 'native-thing',
      packageVersion: '2.0.0',
      lifecycleEvent: 'install',
      script: 'node install.js',
      pid: 2,
    });
    expect(attributeLifecycle(tree, 1)).toBeNull();
    // Before the script's exec happened, nothing can be attributed.
    expect(attributeLifecycle(tree, 2, 1.15)).toBeNull();
  });

  it('keeps a reused pid apart from the process that had it before', () => {
    const { events } = parseLines(
      '10 1.0 fork() = 11',
      '11 1.1 execve("/bin/a", ["a"], []) = 0',
      '11 1.2 +++ exited with 0 +++',
      '10 1.3 fork() = 11',
      '11 1.4 execve("/bin/b", ["b"], []) = 0',
    );
    const tree = buildProcessTree(events);
    expect(tree.retired.map((n) => [n.pid, n.execs.map((e) => e.path), n.exitCode])).toEqual([[11, ['/bin/a'], 0]]);
    const current = tree.nodes.get(11)!;
    expect(current.execs.map((e) => e.path)).toEqual(['/bin/b']);
    expect(current.exitTs).toBeNull();
    expect(tree.nodes.get(10)!.children).toEqual([11]);
  });

  it('lets the +++ status line override exit_group, and keeps failed execs in history', () => {
    const builder = new ProcessTreeBuilder();
    const { events } = parseLines(
      '20 1.0 execve("/nope", ["nope"], []) = -1 ENOENT (No such file or directory)',
      '20 1.1 execve("/bin/true", ["true"], []) = 0',
      '20 1.2 exit_group(0) = ?',
      '20 1.3 +++ killed by SIGKILL +++',
    );
    for (const e of events) builder.add(e);
    const node = builder.build().nodes.get(20)!;
    expect(node.execs.map((e) => [e.path, e.ok, e.errno])).toEqual([
      ['/nope', false, 'ENOENT'],
      ['/bin/true', true, null],
    ]);
    expect([node.exitCode, node.exitSignal, node.exitTs]).toEqual([null, 'SIGKILL', 1.3]);
  });
});

describe('environment helpers', () => {
  it('look up keys and build a prototype-free record', () => {
    const env = ['A=1', 'B=x=y', '__proto__=polluted', 'NOEQ'];
    expect(envLookup(env, 'B')).toBe('x=y');
    expect(envLookup(env, 'C')).toBeNull();
    expect(envLookup(null, 'A')).toBeNull();
    const record = envToRecord(env);
    expect(Object.getPrototypeOf(record)).toBeNull();
    expect(record['__proto__']).toBe('polluted');
    expect(Object.keys(record)).toEqual(['A', 'B', '__proto__']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});
