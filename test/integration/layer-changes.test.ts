import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeLocalPackage } from '@airlock/analysis';
import {
  GVISOR_ENGINE_RUNTIME,
  NPM_IMAGE,
  SANDBOX_LABEL,
  connectDocker,
  overlayDirs,
  pendingTeardowns,
  readLayerChanges,
  resolveImage,
  settleTeardowns,
  type LayerChange,
} from '@airlock/sandbox';
import { testTempDir } from '../support/temp-dir.js';

// The real engine, both runtimes: the layer read on the host must give what `docker diff` gives.
const docker = connectDocker();
type Container = ReturnType<typeof docker.getContainer>;
const made: Container[] = [];
afterAll(async () => {
  for (const c of made) await c.remove({ force: true }).catch(() => undefined);
});

async function sh(container: Container, script: string): Promise<void> {
  const exec = await container.exec({ Cmd: ['sh', '-c', script], User: '0:0', AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({});
  await new Promise((done) => {
    stream.on('end', done);
    stream.resume();
  });
  expect((await exec.inspect()).ExitCode).toBe(0);
}

// Writes, a rename, a deletion of an image file, a chmod, a folder deleted and made again (opaque).
const SCRIPT = [
  'mkdir -p /home/jordan/.config/evil && echo x > /home/jordan/.config/evil/payload',
  'echo y > /tmp/a && mv /tmp/a /tmp/b',
  'rm /etc/issue',
  'chmod 600 /etc/hostname.bak 2>/dev/null || chmod 700 /etc/debian_version',
  'rm -rf /etc/apt/apt.conf.d && mkdir /etc/apt/apt.conf.d && echo z > /etc/apt/apt.conf.d/99evil',
].join(' && ');

const key = (c: LayerChange) => `${c.Kind}:${c.Path}`;

describe.each(['gvisor', 'runc'] as const)('file changes read from the container layer (%s)', (runtime) => {
  it('match docker diff, and show a deleted-and-remade folder by the image files it hid', async () => {
    const image = await resolveImage(docker, NPM_IMAGE);
    const container = await docker.createContainer({
      Image: image.ref,
      Cmd: ['sleep', 'infinity'],
      User: '0:0',
      Labels: { [SANDBOX_LABEL]: '1', 'airlock.analysis': `layer-test-${runtime}` },
      HostConfig: { NetworkMode: 'none', ...(runtime === 'gvisor' ? { Runtime: GVISOR_ENGINE_RUNTIME } : {}) },
    });
    made.push(container);
    await container.start();
    await sh(container, SCRIPT);
    const dirs = overlayDirs(await container.inspect());
    expect(dirs).not.toBeNull();
    const layer = (await readLayerChanges(dirs!))!;
    const engine = ((await container.changes()) ?? []) as LayerChange[];
    expect(layer.map(key)).toContain('1:/home/jordan/.config/evil/payload');
    expect(layer.map(key)).toContain('1:/tmp/b');
    expect(layer.map(key)).toContain('2:/etc/issue');
    expect(layer.map(key)).toContain('0:/etc/debian_version');
    expect(layer.map(key)).toContain('1:/etc/apt/apt.conf.d/99evil');
    // The engine reports the remade folder as deleted; the layer read names what it hid (the image's files there).
    const opaque = '/etc/apt/apt.conf.d';
    const hidden = layer.filter((c) => c.Kind === 2 && c.Path.startsWith(`${opaque}/`));
    expect(hidden.length).toBeGreaterThan(0);
    const sameOutsideOpaque = (list: LayerChange[]) =>
      list
        .filter((c) => c.Path !== opaque && !(c.Kind === 2 && c.Path.startsWith(`${opaque}/`)))
        .map(key)
        .sort();
    expect(sameOutsideOpaque(layer)).toEqual(sameOutsideOpaque(engine));
  });
});

describe('a scan with the file changes from the layer and the teardown deferred', () => {
  it('still reports the file the postinstall wrote, and removes the containers once settled', async () => {
    const artifactsRoot = testTempDir('airlock-layer-');
    const messages: string[] = [];
    const report = await analyzeLocalPackage(resolve(__dirname, '../fixtures/npm/postinstall-shell-write'), {
      docker,
      artifactsRoot,
      deferTeardown: true,
      log: (message) => messages.push(message),
    });
    expect(report.fsDiff).toContainEqual(expect.objectContaining({ path: '/home/jordan/.airlock-fixture-marker', kind: 'added' }));
    expect(messages.filter((m) => m.startsWith('file changes'))).toEqual([]); // read from the layer, not docker diff
    // Removals may still run here (scoring overlaps them); once settled, none is pending and nothing is left.
    await settleTeardowns();
    expect(pendingTeardowns()).toBe(0);
    const left = await docker.listContainers({ all: true, filters: { label: [`airlock.analysis=${report.id}`] } });
    expect(left).toEqual([]);
  });
});
