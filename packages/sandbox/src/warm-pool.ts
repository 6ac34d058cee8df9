import { randomBytes } from 'node:crypto';
import type Docker from 'dockerode';
import { AirlockError } from '@airlock/core';
import { FAKE_INTERNET_IMAGE, NPM_IMAGE, resolveImage } from './images/ensure-images.js';
import { resolveRuntime, type RuntimeName } from './runtime/runtime.js';
import { makeSandboxPair, removeSandboxPair, type SandboxPair } from './sandbox-pair.js';

/** A pair older than this is removed rather than handed out (its honeytokens' dates, an image rebuilt meanwhile). */
const MAX_AGE_MS = 10 * 60_000;

type Log = (message: string, fields?: Record<string, unknown>) => void;

/**
 * Sandbox pairs (sandbox-pair.ts) made ahead of time, per runtime, so a run's start is only its own
 * input copied in and the container started. Each pair is handed out once (`claim` takes it out of the
 * pool) and removed by the run that took it; the pool refills in the background. Pool containers carry
 * the owner (and worker) labels of every sandbox container: after a crash the orphan reaper removes them.
 */
export class WarmPool {
  private readonly ready = new Map<RuntimeName, SandboxPair[]>();
  private readonly filling = new Map<RuntimeName, Promise<void>[]>();
  private closed = false;

  constructor(
    private readonly docker: Docker,
    /** Pairs kept ready per runtime; 0 turns the pool off (`claim` resolves null). */
    readonly size: number,
    private readonly options: { workerId?: string; log?: Log } = {},
  ) {
    if (!Number.isInteger(size) || size < 0)
      throw new AirlockError('INVALID_INPUT', `warm pool size must be a whole number >= 0, got ${size}`);
  }

  /**
   * A ready pair of this runtime, taken out of the pool (never handed out again), or one being made for
   * the pool (waiting for it is never slower than making a new one); null when the pool is off or closed.
   * Starts the refill.
   */
  async claim(runtime: RuntimeName): Promise<SandboxPair | null> {
    if (this.size === 0 || this.closed) return null;
    const list = this.list(runtime);
    for (;;) {
      const pair = list.shift();
      if (pair && Date.now() - pair.madeAt > MAX_AGE_MS) {
        void removeSandboxPair(pair, this.log);
        continue;
      }
      if (pair) {
        this.refill(runtime);
        return pair;
      }
      const inFlight = this.filling.get(runtime) ?? [];
      if (inFlight.length === 0) {
        this.refill(runtime);
        if ((this.filling.get(runtime) ?? []).length === 0) return null; // making one failed to start
      }
      await Promise.race(this.filling.get(runtime) ?? []);
      if (this.closed) return null;
      if (list.length === 0 && (this.filling.get(runtime) ?? []).length === 0) return null; // making failed
    }
  }

  /** Fills the pool for this runtime now (a worker's start), without waiting. */
  warm(runtime: RuntimeName): void {
    if (this.size > 0 && !this.closed) this.refill(runtime);
  }

  /** Pairs ready now, per runtime (for a test or a progress line). */
  readyCount(runtime: RuntimeName): number {
    return this.list(runtime).length;
  }

  /** Stops refilling and removes every pair not handed out, waiting for those being made. */
  async drain(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.filling.values()].flat());
    const left = [...this.ready.values()].flat();
    this.ready.clear();
    await Promise.all(left.map((pair) => removeSandboxPair(pair, this.log)));
  }

  private get log(): Log {
    return this.options.log ?? (() => {});
  }

  private list(runtime: RuntimeName): SandboxPair[] {
    let list = this.ready.get(runtime);
    if (!list) this.ready.set(runtime, (list = []));
    return list;
  }

  /** Starts making pairs until ready + being made reaches the size. */
  private refill(runtime: RuntimeName): void {
    const inFlight = this.filling.get(runtime) ?? [];
    this.filling.set(runtime, inFlight);
    while (!this.closed && this.list(runtime).length + inFlight.length < this.size) {
      const job: Promise<void> = this.make(runtime).then(
        async (pair) => {
          // Drained meanwhile: the pair is removed, never handed out.
          if (this.closed) await removeSandboxPair(pair, this.log);
          else this.list(runtime).push(pair);
        },
        (err: Error) => this.log('warm pool: making a sandbox pair failed', { runtime, error: err.message }),
      );
      inFlight.push(job);
      void job.finally(() => inFlight.splice(inFlight.indexOf(job), 1));
    }
  }

  private async make(runtime: RuntimeName): Promise<SandboxPair> {
    const resolved = await resolveRuntime(this.docker, runtime);
    const [image, fakeInternetImage] = await Promise.all([
      resolveImage(this.docker, NPM_IMAGE),
      resolveImage(this.docker, FAKE_INTERNET_IMAGE),
    ]);
    return makeSandboxPair({
      docker: this.docker,
      runtime: resolved,
      image,
      fakeInternetImage,
      labelId: `pool-${randomBytes(6).toString('hex')}`,
      ...(this.options.workerId ? { workerId: this.options.workerId } : {}),
    });
  }
}
