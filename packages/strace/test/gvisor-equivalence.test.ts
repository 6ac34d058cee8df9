/**
 * The same workload recorded under both tracers gives the same evidence. `workload.sh` (with
 * `workload-net.js`) ran as uid 1000 in airlock/sandbox-npm twice: under runc with the runner's
 * strace command (`workload.strace`), and as a `docker exec` into a gVisor sandbox whose Sentry
 * wrote `workload.gvisor.jsonl` (see fixtures/README.md). Pids, times and thread creation differ
 * (clone3 is ENOSYS under runc's seccomp), so the events are compared by what they say.
 */
import { type ProcessTree, type StraceEvent, buildProcessTree, parseRecord } from '@airlock/strace';
import { describe, expect, it } from 'vitest';
import { fixture, ofType } from './helpers.js';

interface Run {
  events: StraceEvent[];
  tree: ProcessTree;
  /** Pids of the workload: the process running workload.sh and its descendants. */
  pids: Set<number>;
  argvOf: (pid: number | null) => string;
}

function run(format: 'strace' | 'gvisor-json', name: string): Run {
  const { events, stats } = parseRecord(format, fixture(`gvisor/${name}`));
  expect(stats.unknown).toBe(0);
  const tree = buildProcessTree(events);
  const root = [...tree.nodes.values()].find((n) => n.execs[0]?.argv.join(' ') === 'sh /w/work.sh')!;
  const pids = new Set<number>();
  const visit = (pid: number): void => {
    pids.add(pid);
    for (const child of tree.nodes.get(pid)?.children ?? []) visit(child);
  };
  visit(root.pid);
  const argvOf = (pid: number | null): string => {
    const execs = pid === null ? [] : (tree.nodes.get(pid)?.execs.filter((e) => e.ok) ?? []);
    return execs.length === 0 ? '(no exec)' : execs.at(-1)!.argv.join(' ');
  };
  return { events: events.filter((e) => pids.has(e.pid)), tree, pids, argvOf };
}

const strace = run('strace', 'workload.strace');
const gvisor = run('gvisor-json', 'workload.gvisor.jsonl');
const sorted = (items: unknown[]): string[] => items.map((i) => JSON.stringify(i)).sort();
const outcome = (e: StraceEvent): string =>
  e.result.status === 'error' ? e.result.errno : e.result.status === 'none' ? 'ok' : e.result.status;

/** Each view of the evidence, computed the same way on both records. */
const views: Record<string, (r: Run) => unknown[]> = {
  'exec attempts (argv, outcome)': (r) => ofType(r.events, 'exec').map((e) => [e.argv, outcome(e)]),
  'exec paths after the first': (r) =>
    ofType(r.events, 'exec')
      .slice(1)
      .map((e) => [e.path, e.cwd]),
  'process tree (parent program -> child program)': (r) =>
    [...r.pids]
      .filter((pid) => !r.tree.nodes.get(pid)!.thread && r.tree.nodes.get(pid)!.ppid !== null)
      .map((pid) => [r.argvOf(r.tree.nodes.get(pid)!.ppid), r.argvOf(pid)]),
  'file changes': (r) =>
    r.events.flatMap((e) => {
      if (
        e.category !== 'file' ||
        e.type === 'stat' ||
        e.type === 'readdir' ||
        e.type === 'chdir' ||
        (e.type === 'open' && e.intent === 'read')
      )
        return [];
      const detail =
        e.type === 'rename'
          ? e.newPath
          : e.type === 'link'
            ? e.target
            : e.type === 'open'
              ? e.intent
              : e.type === 'chmod' || e.type === 'mkdir'
                ? e.mode
                : null;
      return [[e.type, e.path, detail, outcome(e)]];
    }),
  'files read in the workload directory and /etc': (r) => [
    ...new Set(
      ofType(r.events, 'open')
        .filter((e) => e.intent === 'read' && /^\/home\/jordan|^\/etc\/(hostname|passwd|group)/.test(e.path))
        .map((e) => `${e.path} ${outcome(e)}`),
    ),
  ],
  'inet connects': (r) =>
    ofType(r.events, 'connect')
      .filter((e) => e.address?.family === 'AF_INET')
      .map((e) => [e.address, outcome(e)]),
  'unix connects (count, outcome)': (r) =>
    ofType(r.events, 'connect')
      .filter((e) => e.address?.family === 'AF_UNIX')
      .map(outcome),
  'sockets created': (r) => ofType(r.events, 'socket').map((e) => [e.domain, e.socketType, e.socketFlags, e.protocol, outcome(e)]),
  'payloads sent': (r) => ofType(r.events, 'send').map((e) => [e.syscall, e.size, Buffer.from(e.data ?? []).toString('hex')]),
  'DNS questions': (r) => ofType(r.events, 'dns').map((e) => [e.qname, e.qtype, e.server]),
  'kills (signal, target program)': (r) => ofType(r.events, 'kill').map((e) => [e.signal, r.argvOf(e.targetPid), outcome(e)]),
  'deaths by signal': (r) =>
    ofType(r.events, 'exit')
      .filter((e) => e.signal !== null)
      .map((e) => [r.argvOf(e.pid), e.signal]),
  'exit codes': (r) =>
    ofType(r.events, 'exit')
      .filter((e) => e.source === 'exit_group')
      .map((e) => [r.argvOf(e.pid), e.code]),
};

describe('one workload, two tracers', () => {
  it('finds the workload in both records', () => {
    expect(strace.pids.size).toBeGreaterThan(15);
    expect(ofType(gvisor.events, 'exec')).toHaveLength(ofType(strace.events, 'exec').length);
  });

  for (const [name, view] of Object.entries(views)) {
    it(`agrees on ${name}`, () => {
      const expected = sorted(view(strace));
      expect(expected.length).toBeGreaterThan(0);
      expect(sorted(view(gvisor))).toEqual(expected);
    });
  }

  it('differs only where gVisor prints less (or more), as documented', () => {
    // The kernel's view of an opened file (`= 3</real/path>`) and the new socket's decoration are not printed.
    expect(ofType(strace.events, 'open').filter((e) => e.resolvedPath !== null).length).toBeGreaterThan(0);
    expect(ofType(gvisor.events, 'open').filter((e) => e.resolvedPath !== null)).toEqual([]);
    expect(ofType(gvisor.events, 'socket').filter((e) => e.socket !== null)).toEqual([]);
    // AF_UNIX paths are never decoded.
    expect(ofType(strace.events, 'connect').filter((e) => e.address?.family === 'AF_UNIX' && e.address.path !== '')).toHaveLength(4);
    // sendmsg's msg_name is not decoded, so an unconnected send has no destination, but the tracker
    // knows a connected socket's peer, which strace's -yy did not show here.
    const destinations = (r: Run): unknown[] =>
      ofType(r.events, 'send').map((e) => (e.destination && 'port' in e.destination ? e.destination.port : null));
    expect(destinations(strace)).toEqual([53, null]);
    expect(destinations(gvisor)).toEqual([null, 53]);
    // strace prints `+++ exited with N +++` for every task; gVisor logs only the exit call.
    expect(ofType(strace.events, 'exit').filter((e) => e.source === 'status' && e.signal === null).length).toBeGreaterThan(10);
    expect(ofType(gvisor.events, 'exit').filter((e) => e.source === 'status' && e.signal === null)).toEqual([]);
    // The docker exec'd root has no execve: its exec comes from the Sentry's EXEC line.
    expect(ofType(gvisor.events, 'exec')[0]).toMatchObject({ syscall: null, path: 'sh', env: null });
    expect(ofType(strace.events, 'exec')[0]).toMatchObject({ syscall: 'execve', path: '/usr/bin/sh' });
  });
});
