/** The report's process tree, built from the parser's ProcessTreeBuilder while events stream in. */
import type { PhaseProcessTree } from '@airlock/core';
import { describe, expect, it } from 'vitest';
import { NPM_POSTINSTALL_TRACE, lines, summarize } from './helpers.js';
import { CURL_ARGV, IMPORT_TRACE, INSTALL_TRACE, PACKAGE, POSTINSTALL } from './sandbox-traces.js';

/** Each node as [pid, ppid, parent id, last exec's program, children ids]. */
const shape = (tree: PhaseProcessTree) => tree.nodes.map((n) => [n.pid, n.ppid, n.parent, n.execs.at(-1)?.path ?? null, n.children]);

describe('process tree in the report', () => {
  it('is npm -> sh -> sh -> curl for a postinstall, with the runner hidden and its child at the root', () => {
    const tree = summarize(INSTALL_TRACE, 'install', PACKAGE).summary.processTree;
    expect(tree.roots).toEqual([0]);
    expect(tree.hiddenProcesses).toBe(1);
    expect(shape(tree)).toEqual([
      [20, 19, null, '/usr/local/bin/node', [1]],
      [32, 20, 0, '/usr/bin/sh', [2]],
      [33, 32, 1, '/usr/bin/sh', [3]],
      [34, 33, 2, '/usr/bin/curl', []],
    ]);
  });

  it('keeps the exec chain (failed PATH probes left out), times, exit codes and normalised paths', () => {
    const [npm, , , curl] = summarize(INSTALL_TRACE, 'install', PACKAGE).summary.processTree.nodes;
    expect(npm!.execs.map((e) => [e.path, e.argv[0]])).toEqual([
      ['/usr/local/bin/npm', 'npm'],
      ['/usr/local/bin/node', 'node'],
    ]);
    expect(npm).toMatchObject({
      startTime: 1795487736.734963,
      exitTime: 1795487739.370093,
      exitCode: 0,
      exitSignal: null,
      attribution: null,
    });
    expect(curl!.execs).toEqual([{ time: 1795487738.634907, path: '/usr/bin/curl', normalizedPath: '/usr/bin/curl', argv: CURL_ARGV }]);
    expect(curl).toMatchObject({ exitTime: 1795487738.752932, exitCode: 0 });
  });

  it('attributes the script shell and everything under it to the postinstall, npm itself to nothing', () => {
    const tree = summarize(INSTALL_TRACE, 'install', PACKAGE).summary.processTree;
    expect(tree.nodes.map((n) => n.attribution)).toEqual([null, POSTINSTALL, POSTINSTALL, POSTINSTALL]);
  });

  it('attributes import-phase processes to the import, hangs them at the root when the runner started them', () => {
    const tree = summarize(IMPORT_TRACE, 'import', PACKAGE).summary.processTree;
    // 48 airlock-exec, 49 the import runner (node under /opt/airlock), 52 a fork of that runner.
    expect(tree.hiddenProcesses).toBe(3);
    expect(shape(tree)).toEqual([
      [50, 49, null, '/bin/sh', [1]],
      [51, 50, 0, '/usr/bin/cat', []],
    ]);
    expect(tree.nodes[0]).toMatchObject({
      exitSignal: 'SIGKILL',
      exitCode: null,
      attribution: { packageName: PACKAGE, event: 'import', script: null },
    });
  });

  it('folds threads into their process: a child spawned by a thread hangs under the process, ppid included', () => {
    const tree = summarize(
      lines(
        '10 1.0 execve("/usr/bin/node", ["node", "x.js"], ["HOME=/home/jordan"]) = 0',
        '10 1.1 clone3({flags=CLONE_VM|CLONE_THREAD|CLONE_SIGHAND, exit_signal=0} => {parent_tid=[11]}, 88) = 11',
        '11 1.2 clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x1) = 12',
        '12 1.3 execve("/usr/bin/id", ["id"], ["HOME=/home/jordan"]) = 0',
      ),
      'install',
      'x',
    ).summary.processTree;
    expect(shape(tree)).toEqual([
      [10, null, null, '/usr/bin/node', [1]],
      [12, 10, 0, '/usr/bin/id', []],
    ]);
    expect(tree.nodes[1]).toMatchObject({ exitTime: null, exitCode: null });
  });

  it('keeps two processes that had the same pid apart', () => {
    const tree = summarize(
      lines(
        '10 1.0 execve("/bin/sh", ["sh"], []) = 0',
        '10 1.1 fork() = 11',
        '11 1.2 execve("/bin/a", ["a"], []) = 0',
        '11 1.3 +++ exited with 1 +++',
        '10 1.4 fork() = 11',
        '11 1.5 execve("/bin/b", ["b"], []) = 0',
        '11 1.6 +++ exited with 2 +++',
      ),
      'install',
      'x',
    ).summary.processTree;
    expect(tree.nodes.map((n) => [n.id, n.pid, n.parent, n.execs[0]?.path, n.exitCode])).toEqual([
      [0, 10, null, '/bin/sh', null],
      [1, 11, 0, '/bin/a', 1],
      [2, 11, 0, '/bin/b', 2],
    ]);
    expect(tree.nodes[0]!.children).toEqual([1, 2]);
  });

  it('survives a 20000-deep chain of forks (no recursion)', () => {
    const chain = ['1 1.0 execve("/bin/sh", ["sh"], []) = 0'];
    for (let pid = 1; pid < 20000; pid++) chain.push(`${pid} ${(1 + pid / 1e5).toFixed(6)} fork() = ${pid + 1}`);
    const tree = summarize(lines(...chain), 'install', 'x').summary.processTree;
    expect(tree.nodes).toHaveLength(20000);
    expect(tree.nodes[19999]).toMatchObject({ pid: 20000, parent: 19998, execs: [] });
  });

  it('gives the recorded npm trace the tree npm -> sh -> node, with placeholders for home and package', () => {
    const tree = summarize(NPM_POSTINSTALL_TRACE, 'install', 'evil-pkg', '/home/airlock').summary.processTree;
    expect(shape(tree)).toEqual([
      [20126, null, null, '/usr/bin/node', [1]],
      [20137, 20126, 0, '/usr/bin/sh', [2]],
      [20138, 20137, 1, '/usr/bin/node', []],
    ]);
    expect(tree.nodes[2]!.attribution).toMatchObject({ packageName: 'evil-pkg', event: 'postinstall' });
    expect(tree.hiddenProcesses).toBe(0);
  });
});
