import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { removeStaleGvisorLogs } from '../src/runtime/gvisor-record.js';

const id = (c: string) => c.repeat(64);

describe('removeStaleGvisorLogs', () => {
  let root = '';
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('removes the folders of containers that are gone, keeps live ones, ones made meanwhile and other names', async () => {
    root = await mkdtemp(join(tmpdir(), 'airlock-gvisor-logs-'));
    for (const name of [id('a'), id('b'), 'not-a-container']) await mkdir(join(root, name));
    // The container list is taken after the folders are read: a container started meanwhile makes its folder
    // then, and is listed; it must be kept although the earlier read did not see it.
    const removed = await removeStaleGvisorLogs(async () => {
      await mkdir(join(root, id('c')));
      return new Set([id('a'), id('c')]);
    }, root);
    expect(removed).toBe(1);
    expect((await readdir(root)).sort()).toEqual([id('a'), id('c'), 'not-a-container'].sort());
  });

  it('does not list containers when there is no folder, and removes nothing when the list fails', async () => {
    root = await mkdtemp(join(tmpdir(), 'airlock-gvisor-logs-'));
    let listed = 0;
    expect(await removeStaleGvisorLogs(async () => (listed++, new Set()), root)).toBe(0);
    expect(listed).toBe(0);
    await mkdir(join(root, id('d')));
    await expect(removeStaleGvisorLogs(() => Promise.reject(new Error('docker down')), root)).rejects.toThrow('docker down');
    expect(await readdir(root)).toEqual([id('d')]);
  });
});
