import { describe, expect, it } from 'vitest';
import { runtimeFromSetting } from '../src/runtime/runtime.js';
import { unexpectedRunnerFiles } from '../src/phase-record.js';

describe('runtimeFromSetting', () => {
  it('is gVisor unless asked otherwise', () => {
    expect(runtimeFromSetting(undefined)).toBe('gvisor');
    expect(runtimeFromSetting('')).toBe('gvisor');
    expect(runtimeFromSetting('runc')).toBe('runc');
  });
  it('refuses names it does not know, saying which it knows', () => {
    expect(() => runtimeFromSetting('runsc')).toThrow(/unknown runtime "runsc": use gvisor or runc/);
  });
});

describe('unexpectedRunnerFiles', () => {
  const gvisor = {
    name: 'gvisor',
    engineRuntime: 'airlock-runsc',
    tracer: 'gvisor-sentry',
    runnerTracer: 'none',
    recordFormat: 'gvisor-json',
  } as const;
  const runc = { name: 'runc', engineRuntime: undefined, tracer: 'strace', runnerTracer: 'strace', recordFormat: 'strace' } as const;
  const diff = (...paths: string[]) => paths.map((Path) => ({ Path, Kind: 1 }));

  it("accepts what the runner writes and the host's input", () => {
    const paths = ['/airlock/out', '/airlock/out/install.status.json', '/airlock/out/import.result.json', '/airlock/input/package.tgz'];
    expect(unexpectedRunnerFiles(diff(...paths), gvisor)).toEqual([]);
    expect(unexpectedRunnerFiles(diff(...paths, '/airlock/out/install.strace', '/airlock/out/install.exit'), runc)).toEqual([]);
  });

  it('reports anything else under the runner folders, and strace files where no strace runs', () => {
    const found = unexpectedRunnerFiles(
      diff('/airlock/out/zzz', '/airlock/out/zzz/install.strace', '/airlock/out/install.strace', '/home/jordan/x'),
      gvisor,
    );
    expect(found.map((t) => [t.kind, t.detail.split(' ')[0]])).toEqual([
      ['unexpected-runner-file', '/airlock/out/zzz'],
      ['unexpected-runner-file', '/airlock/out/zzz/install.strace'],
      ['unexpected-runner-file', '/airlock/out/install.strace'],
    ]);
  });

  it('accepts what a platform view planted under /opt/airlock (and its folders), nothing beside it', () => {
    const planted = new Set(['/opt/airlock/view.conf', '/opt/airlock/lib/node-platform.cjs']);
    const changes = diff(
      '/opt/airlock',
      '/opt/airlock/lib',
      '/opt/airlock/view.conf',
      '/opt/airlock/lib/node-platform.cjs',
      '/opt/airlock/lib/x.cjs',
    );
    expect(unexpectedRunnerFiles(changes, gvisor, planted).map((t) => t.detail.split(' ')[0])).toEqual(['/opt/airlock/lib/x.cjs']);
    expect(unexpectedRunnerFiles(changes, gvisor)).toHaveLength(5);
  });
});
