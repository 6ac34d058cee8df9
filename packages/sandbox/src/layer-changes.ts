import { lstat, readdir } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { join } from 'node:path';
import type Docker from 'dockerode';

/** One change as `docker diff` gives it: Kind 0 modified, 1 added, 2 deleted. */
export interface LayerChange {
  Path: string;
  Kind: 0 | 1 | 2;
}

/** Where overlay2 keeps a container's files on the host (`docker inspect` GraphDriver.Data). */
export interface OverlayDirs {
  upper: string;
  /** Image layers, topmost first. */
  lowers: string[];
  /** The mounted union; only there while the container is mounted (running). */
  merged: string | null;
}

/** The container's overlay2 folders, or null when its storage is another driver. */
export function overlayDirs(info: Pick<Docker.ContainerInspectInfo, 'GraphDriver'>): OverlayDirs | null {
  // dockerode types Data for devicemapper only; overlay2's keys are these.
  const driver = info.GraphDriver as { Name?: string; Data?: { UpperDir?: string; LowerDir?: string; MergedDir?: string } } | undefined;
  if (driver?.Name !== 'overlay2' || !driver.Data?.UpperDir) return null;
  return {
    upper: driver.Data.UpperDir,
    lowers: (driver.Data.LowerDir ?? '').split(':').filter(Boolean),
    merged: driver.Data.MergedDir ?? null,
  };
}

/**
 * The container's file changes read from its writable layer on the host, as `docker diff` reports them
 * (same kinds, same parent-folder entries), without the engine walking every layer behind an API call:
 * `docker diff` was about 1 s of a trivial scan. Resolves null when the layer cannot be read from here
 * (another storage driver, a worker in a container without the engine's folder): the caller then asks
 * the engine. Works for gVisor too: it runs with `--overlay2=none`, so its writes land in this layer.
 *
 * One difference, on purpose: a folder deleted and made again (overlay marks it opaque, and `docker diff`
 * reports the folder as deleted) shows here as the folder modified and each image file gone from it as
 * deleted, found by comparing the image's entries with the mounted union.
 */
export async function readLayerChanges(dirs: OverlayDirs): Promise<LayerChange[] | null> {
  try {
    await lstat(dirs.upper);
  } catch {
    return null;
  }
  const changes: LayerChange[] = [];
  const changedDirs = new Set<string>();
  const add = (change: LayerChange) => {
    changes.push(change);
    // `docker diff` lists the parent of every change as modified, even when its own metadata did not change.
    for (let parent = parentOf(change.Path); parent !== '/' && !changedDirs.has(parent); parent = parentOf(parent)) {
      changedDirs.add(parent);
      changes.push({ Path: parent, Kind: 0 });
    }
  };
  /** `rel` is a folder of the layer; `below` lists the image's entries of the same folder. */
  const walk = async (rel: string, below: LowerListing): Promise<void> => {
    if (rel !== '' && below.size > 0) for (const gone of await hiddenByOpaque(dirs, rel, below)) add({ Path: gone, Kind: 2 });
    const names = (await readdir(join(dirs.upper, rel)).catch(() => [] as string[])).sort();
    for (const name of names) {
      const path = `${rel}/${name}`;
      const stat = await lstat(join(dirs.upper, path)).catch(() => null);
      if (!stat) continue; // gone while read (the container is still up)
      if (isWhiteout(stat)) {
        add({ Path: path, Kind: 2 });
        continue;
      }
      const image = await imageStat(dirs.lowers, path, below.get(name));
      if (!image) add({ Path: path, Kind: 1 });
      else if (!(stat.isDirectory() && image.isDirectory() && sameDirMeta(stat, image))) {
        if (!changedDirs.has(path)) add({ Path: path, Kind: 0 });
        changedDirs.add(path);
      }
      if (stat.isDirectory()) {
        // Only the layers that have this folder are listed below it: a file the package added costs no
        // failed lookup per image layer (that was most of a trivial scan's host CPU in the collect).
        const layers = image?.isDirectory() ? (below.get(name) ?? []) : [];
        await walk(path, await listLowers(dirs.lowers, path, layers));
      }
    }
  };
  await walk(
    '',
    await listLowers(
      dirs.lowers,
      '',
      dirs.lowers.map((_, i) => i),
    ),
  );
  // A parent added after its own entry (the walk is depth-first) appears once only.
  const seen = new Set<string>();
  return changes.filter((c) => !seen.has(c.Path) && seen.add(c.Path)).sort((a, b) => a.Path.localeCompare(b.Path));
}

/** A folder's entries in the image: each name, with the layers that have it, topmost first. */
type LowerListing = Map<string, number[]>;

/** Lists the folder `rel` in each of the given image layers (those known to have it). */
async function listLowers(lowers: string[], rel: string, layers: readonly number[]): Promise<LowerListing> {
  const listing: LowerListing = new Map();
  const lists = await Promise.all(layers.map((i) => readdir(join(lowers[i]!, rel)).catch(() => [] as string[])));
  lists.forEach((names, k) => {
    for (const name of names) {
      const at = listing.get(name);
      if (at) at.push(layers[k]!);
      else listing.set(name, [layers[k]!]);
    }
  });
  return listing;
}

/** Same size, mode and mtime: the folder exists in the image unchanged (docker diff leaves it out). */
function sameDirMeta(a: Stats, b: Stats): boolean {
  return a.size === b.size && a.mode === b.mode && Math.floor(a.mtimeMs / 1000) === Math.floor(b.mtimeMs / 1000);
}

/** Overlay's mark of a deletion: a character device 0/0 under the deleted name. */
function isWhiteout(stat: Stats): boolean {
  return stat.isCharacterDevice() && stat.rdev === 0;
}

/**
 * The path in the image: the topmost of the layers listing it (`layers`, from the folder's listing), or
 * null when none does or that one marks it deleted.
 */
async function imageStat(lowers: string[], path: string, layers: readonly number[] | undefined): Promise<Stats | null> {
  for (const i of layers ?? []) {
    const stat = await lstat(join(lowers[i]!, path)).catch(() => null);
    if (stat) return isWhiteout(stat) ? null : stat;
  }
  return null;
}

/**
 * Image entries of a folder that the union no longer shows and the layer has no whiteout for: the folder
 * was made opaque (deleted and made again), which hides them. Needs the mounted union; none without it.
 */
async function hiddenByOpaque(dirs: OverlayDirs, path: string, below: LowerListing): Promise<string[]> {
  if (!dirs.merged) return [];
  const visible = await readdir(join(dirs.merged, path)).catch(() => null);
  if (!visible) return [];
  const present = new Set(visible);
  const gone: string[] = [];
  for (const name of [...below.keys()].sort()) {
    if (present.has(name)) continue;
    const here = await lstat(join(dirs.upper, path, name)).catch(() => null);
    if (here && isWhiteout(here)) continue; // reported as deleted by the walk
    if ((await imageStat(dirs.lowers, `${path}/${name}`, below.get(name))) !== null) gone.push(`${path}/${name}`);
  }
  return gone;
}

function parentOf(path: string): string {
  const cut = path.lastIndexOf('/');
  return cut <= 0 ? '/' : path.slice(0, cut);
}

/**
 * The container's file changes: from its layer when the host can read it, else (or when `crossCheck` is on)
 * from `docker diff`. With the cross-check, differences are logged and the engine's list is used.
 */
export async function containerChanges(
  container: Docker.Container,
  options: { crossCheck: boolean; log: (message: string, fields?: Record<string, unknown>) => void },
): Promise<{ changes: LayerChange[]; source: 'layer' | 'docker-diff' }> {
  const dirs = overlayDirs(await container.inspect());
  const fromLayer = dirs ? await readLayerChanges(dirs) : null;
  if (fromLayer && !options.crossCheck) return { changes: fromLayer, source: 'layer' };
  const fromEngine = ((await container.changes()) ?? []) as LayerChange[];
  if (fromLayer) {
    const key = (c: LayerChange) => `${c.Kind}:${c.Path}`;
    const engine = new Set(fromEngine.map(key));
    const layer = new Set(fromLayer.map(key));
    const onlyLayer = [...layer].filter((k) => !engine.has(k));
    const onlyEngine = [...engine].filter((k) => !layer.has(k));
    if (onlyLayer.length || onlyEngine.length) {
      options.log('file changes: the layer and docker diff differ', {
        onlyLayer: onlyLayer.slice(0, 20),
        onlyEngine: onlyEngine.slice(0, 20),
      });
    }
  }
  return { changes: fromEngine, source: 'docker-diff' };
}
