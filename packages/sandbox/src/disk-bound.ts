import type Docker from 'dockerode';
import { envInt } from '@airlock/core';

/**
 * The bound on what a run may write to the host's disk. Neither runtime has a quota here: `/var/lib/docker`
 * is ext4 without project quotas (no `StorageOpt.size`), the `fsize` ulimit caps one file only, and a tmpfs
 * would count against the memory limit. So the host watches each container's writable layer (the engine's
 * `SizeRw`, the upper dir of overlay2, where gVisor's `--overlay2=none` writes land too) and stops the
 * sandbox once the run wrote more than the bound. Measured on this machine kind (README, "Disk bound"):
 * gVisor writes about 280 MB/s and SizeRw follows within one poll, so a fast writer gets about one poll
 * interval of writes past the bound.
 */
export const DEFAULT_DISK_LIMIT_BYTES = 2 * 1024 ** 3;
/**
 * An inspect with sizes walks the layer: ~2 ms for a few files, ~21 ms for 2,500 (a small node_modules), ~140 ms
 * for 20,000 (measured). Polls every 500 ms, stretched to 4x the last inspect, keep dockerd's share of a core
 * under about 25% on a big tree, for an overshoot of about one interval of writes (README, "Disk bound").
 */
const DISK_POLL_MS = 500;
const POLL_COST_FACTOR = 4;

/** The bound asked for: the option, else AIRLOCK_DISK_LIMIT_BYTES, else 2 GiB. */
export function diskLimitBytes(option: number | undefined, env: NodeJS.ProcessEnv = process.env): number {
  return option ?? envInt(env, 'AIRLOCK_DISK_LIMIT_BYTES', DEFAULT_DISK_LIMIT_BYTES);
}

/** Bytes in the container's writable layer (files the container added or changed), as the engine counts them. */
export async function writableBytes(container: Docker.Container): Promise<number> {
  // `size` is passed as the query parameter (GET /containers/{id}/json?size=1); @types/dockerode omits it.
  const info = (await container.inspect({ size: true } as Docker.ContainerInspectOptions)) as { SizeRw?: number };
  return info.SizeRw ?? 0;
}

export interface WatchedLayer {
  /** `sandbox` (the analysis container) or `fake-internet` (its network log grows with what the package sends). */
  name: string;
  container: Docker.Container;
  /** What the layer held before the package ran (the input, planted files): not counted. */
  baselineBytes: number;
}

export interface DiskReached {
  layer: string;
  /** Bytes written past the baseline when the bound was seen reached. */
  bytes: number;
}

export interface DiskWatch {
  /** Set once the bound was reached (and `onReached` called). */
  reached: DiskReached | null;
  /** The most written in any watched layer, as last seen. */
  peakBytes: number;
  /** Stops polling; resolves once the poll under way (if any) ended. */
  stop(): Promise<void>;
}

/**
 * Polls the layers' sizes until stopped; the first time one has grown by more than `limitBytes`, calls
 * `onReached` (which must stop the sandbox) and stops. A poll never overlaps the previous one: with many
 * files an inspect walks them all, so the interval stretches to POLL_COST_FACTOR times the last inspect's duration.
 */
export function watchDiskBound(
  layers: WatchedLayer[],
  limitBytes: number,
  onReached: (reached: DiskReached) => void,
  pollMs = DISK_POLL_MS,
): DiskWatch {
  let stopped = false;
  let wake: (() => void) | null = null;
  const watch: DiskWatch = {
    reached: null,
    peakBytes: 0,
    stop: async () => {
      stopped = true;
      wake?.();
      await loop;
    },
  };
  const loop = (async () => {
    while (!stopped) {
      const t0 = Date.now();
      for (const layer of layers) {
        const size = await writableBytes(layer.container).catch(() => null);
        if (size === null) continue; // the container is gone or the engine is busy: the next poll retries
        const written = Math.max(0, size - layer.baselineBytes);
        watch.peakBytes = Math.max(watch.peakBytes, written);
        if (written > limitBytes && !watch.reached && !stopped) {
          watch.reached = { layer: layer.name, bytes: written };
          onReached(watch.reached);
          return;
        }
      }
      const waitMs = Math.max(pollMs, POLL_COST_FACTOR * (Date.now() - t0));
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, waitMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = null;
    }
  })();
  return watch;
}
