/**
 * A worker's identity in the service: an id, a heartbeat key in Redis that expires unless refreshed, and
 * the reaping of sandbox containers whose worker's heartbeat is gone (killed, out of memory, its host lost).
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { reapDeadWorkers, removeStaleLogs, SANDBOX_LABEL } from '@airlock/sandbox';
import { keys } from '@airlock/store';
import type { WorkerContext } from './context.js';

/** The heartbeat lives this many refresh intervals: a short Redis hiccup does not make a worker look dead. */
const HEARTBEAT_LIVES = 6;

/**
 * The service a worker belongs to: one id per Redis (made by the first worker), the second part of every
 * worker id. Workers of other deployments (another Redis) can share this Docker engine; their heartbeats
 * are not in our Redis, so their containers must never be taken for a dead worker's (the compose fault
 * drill found workers of two stacks removing each other's live sandboxes).
 */
export async function serviceIdOf(store: WorkerContext['store']): Promise<string> {
  await store.redis.set(keys.serviceId(), randomBytes(4).toString('hex'), 'NX');
  const id = await store.redis.get(keys.serviceId());
  if (!id || !/^[0-9a-f]+$/.test(id)) throw new Error(`unexpected service id in Redis (${keys.serviceId()}): ${id}`);
  return id;
}

/** `wrk-<service id>-` : the prefix of every worker id of this worker's service. */
const servicePrefix = (workerId: string): string => `${workerId.split('-').slice(0, 2).join('-')}-`;

export function newWorkerId(serviceId: string): string {
  return `wrk-${serviceId}-${hostname()
    .replace(/[^\w.-]/g, '_')
    .slice(0, 40)}-${process.pid}-${randomBytes(4).toString('hex')}`;
}

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
async function liveWorkers(ctx: Pick<WorkerContext, 'store' | 'workerId'>, ids: readonly string[]): Promise<Set<string>> {
  const pipeline = ctx.store.redis.pipeline();
  for (const id of ids) pipeline.exists(keys.workerHeartbeat(id));
  const answers = (await pipeline.exec()) ?? [];
  const live = new Set<string>();
  const ours = servicePrefix(ctx.workerId);
  answers.forEach(([err, exists], i) => {
    // An unreadable answer counts as alive: never remove a container on a doubt; nor another service's.
    if (err || exists === 1 || !ids[i]!.startsWith(ours)) live.add(ids[i]!);
  });
  return live;
}

/**
 * Removes the sandbox containers of workers whose heartbeat is gone, then the gVisor log folders of any
 * container that is gone (a killed worker's, even when its containers were removed before their folders);
 * returns how many containers.
 */
export async function reapContainersOfDeadWorkers(ctx: WorkerContext): Promise<number> {
  const removed = await reapDeadWorkers(ctx.docker, SANDBOX_LABEL, (ids) => liveWorkers(ctx, ids));
  if (removed > 0) ctx.log.warn({ removed }, 'removed sandbox containers of dead workers');
  await removeStaleLogs(ctx.docker, (message, fields) => ctx.log.warn(fields ?? {}, message));
  return removed;
}
