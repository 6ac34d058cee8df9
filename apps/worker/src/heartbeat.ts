/**
 * A worker's identity in the service: an id, a heartbeat key in Redis that expires unless refreshed, and
 * the reaping of sandbox containers whose worker's heartbeat is gone (killed, out of memory, its host lost).
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { reapDeadWorkers, SANDBOX_LABEL } from '@airlock/sandbox';
import { keys } from '@airlock/store';
import type { WorkerContext } from './context.js';

/** The heartbeat lives this many refresh intervals: a short Redis hiccup does not make a worker look dead. */
const HEARTBEAT_LIVES = 6;

export function newWorkerId(deployment: string): string {
  return `wrk-${deployment}-${hostname()
    .replace(/[^\w.-]/g, '_')
    .slice(0, 40)}-${process.pid}-${randomBytes(4).toString('hex')}`;
}

/**
 * The id of the deployment this Redis holds, made once by whichever worker starts first. Worker ids begin
 * with it, so workers of two deployments sharing one Docker host (CI and staging, two test runs) never reap
 * each other's sandboxes: each sees only its own heartbeats.
 */
export async function deploymentId(ctx: Pick<WorkerContext, 'store'>): Promise<string> {
  await ctx.store.redis.set(keys.deployment, randomBytes(6).toString('hex'), 'NX');
  const id = await ctx.store.redis.get(keys.deployment);
  if (!id) throw new Error('could not read the deployment id from Redis');
  return id;
}

const deploymentOf = (workerId: string): string | undefined => /^wrk-([0-9a-f]{12})-/.exec(workerId)?.[1];

/** Writes (or refreshes) this worker's heartbeat, expiring after HEARTBEAT_LIVES intervals. */
export async function beat(ctx: WorkerContext): Promise<void> {
  const ttlMs = ctx.config.heartbeatIntervalMs * HEARTBEAT_LIVES;
  const value = JSON.stringify({ host: hostname(), pid: process.pid, beatAt: new Date().toISOString() });
  await ctx.store.redis.set(keys.workerHeartbeat(ctx.workerId), value, 'PX', ttlMs);
}

export async function stopBeating(ctx: WorkerContext): Promise<void> {
  await ctx.store.redis.del(keys.workerHeartbeat(ctx.workerId));
}

/** Which of these worker ids still have a heartbeat. */
async function liveWorkers(ctx: Pick<WorkerContext, 'store'>, ids: readonly string[]): Promise<Set<string>> {
  const pipeline = ctx.store.redis.pipeline();
  for (const id of ids) pipeline.exists(keys.workerHeartbeat(id));
  const answers = (await pipeline.exec()) ?? [];
  const live = new Set<string>();
  answers.forEach(([err, exists], i) => {
    // An unreadable answer counts as alive: never remove a container on a doubt.
    if (err || exists === 1) live.add(ids[i]!);
  });
  return live;
}

/** Removes the sandbox containers of workers whose heartbeat is gone; returns how many. */
export async function reapContainersOfDeadWorkers(ctx: WorkerContext): Promise<number> {
  const ours = deploymentOf(ctx.workerId);
  const removed = await reapDeadWorkers(
    ctx.docker,
    SANDBOX_LABEL,
    (ids) => liveWorkers(ctx, ids),
    (id) => ours !== undefined && deploymentOf(id) === ours,
  );
  if (removed > 0) ctx.log.warn({ removed }, 'removed sandbox containers of dead workers');
  return removed;
}
