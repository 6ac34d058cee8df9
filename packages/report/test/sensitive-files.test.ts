/** Sensitive file access: the list of paths as data, and what the summarizer keeps of reads. */
import { describe, expect, it } from 'vitest';
import { SENSITIVE_PATHS, globToRegExpSource, matchSensitivePath } from '../src/index.js';
import { lines, summarize } from './helpers.js';
import { IMPORT_TRACE, INSTALL_TRACE, PACKAGE, POSTINSTALL } from './sandbox-traces.js';

describe('the sensitive path list', () => {
  it.each([
    ['/home/jordan/.ssh/id_rsa', 'ssh'],
    ['/home/jordan/.ssh', 'ssh'],
    ['/root/.ssh/authorized_keys', 'ssh'],
    ['/home/jordan/.npmrc', 'npmrc'],
    ['/home/jordan/.aws/credentials', 'aws'],
    ['/home/jordan/.config/gh/hosts.yml', 'github-cli'],
    ['/home/jordan/projects/app/.env', 'dotenv'],
    ['/srv/api/.env.production', 'dotenv'],
    ['/home/jordan/.gitconfig', 'git'],
    ['/home/jordan/.git-credentials', 'git'],
    ['/home/jordan/.bash_history', 'shell-history'],
    ['/home/jordan/.config/google-chrome/Default/Login Data', 'browser-profile'],
    ['/home/jordan/.mozilla/firefox/abcd.default/cookies.sqlite', 'browser-profile'],
    ['/home/jordan/.config/discord/Local Storage/leveldb/000005.ldb', 'browser-profile'],
    // The same stores by Windows names, on the windows view's drive C:.
    ['/mnt/c/Users/sara/AppData/Local/Google/Chrome/User Data/Default/Login Data', 'browser-profile'],
    ['/mnt/c/Users/sara/AppData/Roaming/discord/Local Storage/leveldb/000005.ldb', 'browser-profile'],
    ['/mnt/c/Users/sara/.npmrc', 'npmrc'],
    ['/mnt/c/Users/sara/.ssh/id_rsa', 'ssh'],
    ['/mnt/c/Users/sara/.aws/credentials', 'aws'],
    ['/home/jordan/.bitcoin/wallet.dat', 'crypto-wallet'],
    ['/home/jordan/.ethereum/keystore/UTC--2024', 'crypto-wallet'],
    ['/home/jordan/.config/Exodus/exodus.wallet/seed.seco', 'crypto-wallet'],
    ['/home/jordan/.electrum/wallets/default_wallet', 'crypto-wallet'],
    ['/etc/shadow', 'system-accounts'],
    ['/etc/passwd', 'system-accounts'],
    ['/proc/self/environ', 'process-environ'],
    ['/proc/1234/environ', 'process-environ'],
    ['/var/run/docker.sock', 'docker-socket'],
    ['/.dockerenv', 'container-marker'],
    ['/proc/1/cgroup', 'container-marker'],
    ['/proc/uptime', 'container-marker'],
    ['/sys/class/dmi/id/product_name', 'container-marker'],
  ])('%s is %s', (path, rule) => {
    expect(matchSensitivePath(path)?.id).toBe(rule);
  });

  it.each([
    '/home/jordan/.sshx/id_rsa',
    '/home/jordan/projects/app/.npmrc',
    '/home/jordan/projects/app/.environment',
    '/etc/passwd-',
    '/proc/self/cmdline',
    // Every Node process reads it at start-up.
    '/proc/self/cgroup',
    '/home/jordan/projects/app/node_modules/x/index.js',
    '.ssh/id_rsa',
    '/mnt/c/Users/sara/AppData/Local/Temp/x.txt',
  ])('%s is not sensitive', (path) => {
    expect(matchSensitivePath(path)).toBeNull();
  });

  it('compiles globs: ~ is any home, * stays in one segment, /** includes the folder', () => {
    expect(globToRegExpSource('~/.ssh/**')).toBe('(?:/home/[^/]+|/root)/\\.ssh(?:/.*)?');
    expect(globToRegExpSource('/proc/*/environ')).toBe('/proc/[^/]*/environ');
    expect(globToRegExpSource('**/.env')).toBe('(?:.*/)?\\.env');
    expect(new Set(SENSITIVE_PATHS.map((r) => r.id)).size).toBe(SENSITIVE_PATHS.length);
  });
});

describe('sensitive file access in the summary', () => {
  it('lists npm reading ~/.npmrc and ~/.gitconfig unattributed, and curl reading /etc/passwd under the postinstall', () => {
    const { sensitiveFiles } = summarize(INSTALL_TRACE, 'install', PACKAGE).summary;
    expect(sensitiveFiles.map((a) => [a.rule, a.access, a.path, a.normalizedPath, a.result, a.pid, a.program, a.attribution])).toEqual([
      ['npmrc', 'read', '/home/jordan/.npmrc', '<HOME>/.npmrc', 'ENOENT', 20, '/usr/local/bin/node', null],
      ['git', 'read', '/home/jordan/.gitconfig', '<HOME>/.gitconfig', 'ok', 20, '/usr/local/bin/node', null],
      ['system-accounts', 'read', '/etc/passwd', '/etc/passwd', 'ok', 34, '/usr/bin/curl', POSTINSTALL],
    ]);
    expect(sensitiveFiles[2]).toMatchObject({ phase: 'install', time: 1795487738.65, operation: 'read', count: 1 });
  });

  it('attributes import-phase reads to the package, also from a fork of the import runner', () => {
    const { sensitiveFiles } = summarize(IMPORT_TRACE, 'import', PACKAGE).summary;
    const importing = { packageName: PACKAGE, event: 'import', script: null };
    expect(sensitiveFiles.map((a) => [a.rule, a.path, a.normalizedPath, a.result, a.pid, a.program, a.attribution])).toEqual([
      ['ssh', '/home/jordan/.ssh/id_rsa', '<HOME>/.ssh/id_rsa', 'ok', 51, '/usr/bin/cat', importing],
      ['dotenv', '/home/jordan/projects/app/.env', '<HOME>/projects/app/.env', 'ENOENT', 52, '/usr/local/bin/node', importing],
    ]);
  });

  it('counts repeats instead of keeping them, and drops ordinary reads', () => {
    const read = (ts: string, path: string) => `7 ${ts} openat(AT_FDCWD</w>, "${path}", O_RDONLY) = 3<${path}>`;
    const trace = lines(
      '7 1.000000 execve("/usr/bin/node", ["node", "steal.js"], ["HOME=/home/jordan"]) = 0',
      ...Array.from({ length: 500 }, (_, i) =>
        read(`1.${String(i + 1).padStart(6, '0')}`, '/home/jordan/projects/app/node_modules/x/lib.js'),
      ),
      ...Array.from({ length: 50 }, (_, i) => read(`2.${String(i + 1).padStart(6, '0')}`, '/home/jordan/.aws/credentials')),
    );
    const { sensitiveFiles, fileWrites } = summarize(trace, 'install', 'x').summary;
    expect(sensitiveFiles).toHaveLength(1);
    expect(sensitiveFiles[0]).toMatchObject({ rule: 'aws', count: 50, time: 2.000001, access: 'read' });
    expect(fileWrites).toEqual([]);
  });

  it('keeps existence checks (stat, access) of sensitive paths as `check`, and skips fstat of an open file', () => {
    const trace = lines(
      '9 1.0 access("/.dockerenv", F_OK) = 0',
      '9 1.1 statx(AT_FDCWD</home/jordan/projects/app>, "/home/jordan/.ssh/id_rsa", AT_STATX_SYNC_AS_STAT, STATX_ALL, 0x7ffc46c8cea0) = 0',
      '9 1.2 newfstatat(AT_FDCWD</w>, "/run/.containerenv", 0x7ffd605f37c0, 0) = -1 ENOENT (No such file or directory)',
      '9 1.3 newfstatat(3</home/jordan/.aws/credentials>, "", 0x7ffd605f37c0, AT_EMPTY_PATH) = 0',
      '9 1.4 faccessat2(AT_FDCWD</w>, "/proc/1/cgroup", R_OK, AT_EACCESS) = 0',
    );
    const { sensitiveFiles, fileWrites } = summarize(trace, 'install', 'x').summary;
    expect(sensitiveFiles.map((a) => [a.rule, a.access, a.operation, a.path, a.result])).toEqual([
      ['container-marker', 'check', 'stat', '/.dockerenv', 'ok'],
      ['ssh', 'check', 'stat', '/home/jordan/.ssh/id_rsa', 'ok'],
      ['container-marker', 'check', 'stat', '/run/.containerenv', 'ENOENT'],
      ['container-marker', 'check', 'stat', '/proc/1/cgroup', 'ok'],
    ]);
    expect(fileWrites).toEqual([]);
  });

  it('catches a symlink to a key (the kernel’s resolved path), writes, listings and the Docker socket', () => {
    const trace = lines(
      '8 1.0 openat(AT_FDCWD</tmp>, "/tmp/innocent", O_RDONLY) = 3</home/jordan/.ssh/id_ed25519>',
      '8 1.1 openat(AT_FDCWD</tmp>, "/home/jordan/.bash_history", O_WRONLY|O_TRUNC) = 4</home/jordan/.bash_history>',
      '8 1.2 getdents64(5</home/jordan/.config/gh>, 0x55d0 /* 4 entries */, 32768) = 112',
      '8 1.3 connect(6<UNIX-STREAM:[9]>, {sa_family=AF_UNIX, sun_path="/var/run/docker.sock"}, 110) = -1 ENOENT (No such file or directory)',
      '8 1.4 rename("/home/jordan/.ssh/id_rsa", "/tmp/k") = 0',
    );
    const { sensitiveFiles } = summarize(trace, 'install', 'x').summary;
    expect(sensitiveFiles.map((a) => [a.rule, a.access, a.operation, a.path, a.result])).toEqual([
      ['ssh', 'read', 'read', '/home/jordan/.ssh/id_ed25519', 'ok'],
      ['shell-history', 'write', 'truncate', '/home/jordan/.bash_history', 'ok'],
      ['github-cli', 'list', 'readdir', '/home/jordan/.config/gh', 'ok'],
      ['docker-socket', 'connect', 'connect', '/var/run/docker.sock', 'ENOENT'],
      ['ssh', 'write', 'rename', '/home/jordan/.ssh/id_rsa', 'ok'],
    ]);
  });
});
