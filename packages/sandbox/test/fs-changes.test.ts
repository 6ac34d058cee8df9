import { describe, expect, it } from 'vitest';
import { toFsChanges } from '../src/run-sandbox.js';

describe('toFsChanges', () => {
  it('drops the sandbox infrastructure and parents changed only by it, keeps everything else', () => {
    const changes = [
      { Path: '/usr', Kind: 0 },
      { Path: '/usr/sbin', Kind: 0 },
      { Path: '/usr/sbin/docker-init', Kind: 1 },
      { Path: '/airlock', Kind: 0 },
      { Path: '/airlock/out', Kind: 0 },
      { Path: '/airlock/out/install.strace', Kind: 1 },
      { Path: '/home', Kind: 0 },
      { Path: '/home/jordan', Kind: 0 },
      { Path: '/home/jordan/.bashrc', Kind: 0 },
      { Path: '/home/jordan/.evil', Kind: 1 },
      { Path: '/etc/hosts.allow', Kind: 2 },
    ];
    expect(toFsChanges(changes)).toEqual([
      { path: '/etc/hosts.allow', kind: 'deleted' },
      { path: '/home', kind: 'modified' },
      { path: '/home/jordan', kind: 'modified' },
      { path: '/home/jordan/.bashrc', kind: 'modified' },
      { path: '/home/jordan/.evil', kind: 'added' },
    ]);
  });
  it('keeps /usr when the package changed something under it too', () => {
    const out = toFsChanges([
      { Path: '/usr', Kind: 0 },
      { Path: '/usr/sbin/docker-init', Kind: 1 },
      { Path: '/usr/local/bin/backdoor', Kind: 1 },
    ]);
    expect(out.map((c) => c.path)).toEqual(['/usr', '/usr/local/bin/backdoor']);
  });
});
