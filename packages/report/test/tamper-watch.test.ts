/** TamperWatch: acts against the sandbox's evidence, from real strace lines through the real parser. */
import { describe, expect, it } from 'vitest';
import { parseStrace } from '@airlock/strace';
import { TamperWatch } from '../src/tamper-watch.js';

const RUNNER = [
  '100 1.000000 execve("/opt/airlock/bin/airlock-exec", ["/opt/airlock/bin/airlock-exec", "/airlock/out/install.exit", "npm", "install"], 0x7ffd /* 3 vars */) = 0',
  '100 1.100000 clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x7f12) = 101',
  '101 1.200000 execve("/usr/local/bin/node", ["node", "steal.js"], 0x7ffd /* 3 vars */) = 0',
];

function watch(phase: 'install' | 'import', lines: string[]) {
  const tamper = new TamperWatch(phase);
  for (const event of parseStrace(`${[...RUNNER, ...lines].join('\n')}\n`).events) tamper.add(event);
  return tamper.records.records;
}

describe('TamperWatch', () => {
  it('finds a package process writing into the runner folder, signalling the runner or everything, and attaching with ptrace', () => {
    const found = watch('install', [
      '101 1.300000 openat(AT_FDCWD</home/jordan/projects/app>, "/airlock/out/zzz/install.strace", O_WRONLY|O_CREAT|O_TRUNC, 0666) = 3</airlock/out/zzz/install.strace>',
      '101 1.400000 kill(100, SIGKILL) = 0',
      '101 1.500000 kill(-1, SIGKILL) = 0',
      '101 1.600000 ptrace(PTRACE_ATTACH, 100) = -1 EPERM (Operation not permitted)',
    ]);
    expect(found.map((t) => [t.kind, t.pid, t.result])).toEqual([
      ['runner-folder-write', 101, 'ok'],
      ['signal-to-sandbox', 101, 'ok'],
      ['signal-to-sandbox', 101, 'ok'],
      ['ptrace-attach', 101, 'EPERM'],
    ]);
    expect(found[0]!.detail).toBe('open for create /airlock/out/zzz/install.strace');
    expect(found[1]!.detail).toBe('kill(100, SIGKILL)');
  });

  it('leaves alone what benign code does: signals to its own children, reads of the runner, a signal-0 probe', () => {
    const found = watch('install', [
      '101 1.300000 clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x7f12) = 102',
      '102 1.310000 execve("/bin/sleep", ["sleep", "5"], 0x7ffd /* 3 vars */) = 0',
      '101 1.400000 kill(102, SIGTERM) = 0',
      '101 1.410000 kill(100, 0) = 0',
      '101 1.500000 openat(AT_FDCWD</home/jordan/projects/app>, "/opt/airlock/bin/airlock-phase", O_RDONLY) = 3</opt/airlock/bin/airlock-phase>',
      '101 1.600000 openat(AT_FDCWD</home/jordan/projects/app>, "/home/jordan/.cache/x", O_WRONLY|O_CREAT|O_TRUNC, 0666) = 3</home/jordan/.cache/x>',
    ]);
    expect(found).toEqual([]);
  });

  it("lets the runner's own processes write its outputs, and the import helper write its result in the import phase only", () => {
    const importLines = [
      '100 1.300000 openat(AT_FDCWD</home/jordan/projects/app>, "/airlock/out/import.exit", O_WRONLY|O_CREAT|O_TRUNC, 0666) = 3</airlock/out/import.exit>',
      '101 1.400000 execve("/usr/local/bin/node", ["node", "-e", "require(\\"/opt/airlock/lib/import-package.cjs\\").run(require)", "pkg"], 0x7ffd /* 3 vars */) = 0',
      '101 1.500000 openat(AT_FDCWD</home/jordan/projects/app>, "/airlock/out/import.result.json", O_WRONLY|O_CREAT|O_TRUNC, 0666) = 3</airlock/out/import.result.json>',
    ];
    expect(watch('import', importLines)).toEqual([]);
    // The same write at install, or any other file by the helper, is the package's.
    expect(watch('install', importLines).map((t) => t.kind)).toEqual(['runner-folder-write']);
    expect(
      watch('import', [...importLines, '101 1.600000 rename("/tmp/forged", "/airlock/out/install.status.json") = 0']).map((t) => t.detail),
    ).toEqual(['rename /tmp/forged -> /airlock/out/install.status.json']);
  });
});
