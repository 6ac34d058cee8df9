/**
 * Analyses (one organization's request) and runs (one sandbox execution, shared by every analysis of
 * the same package version). The worker finishes a run once; every analysis subscribed to it follows.
 */
import type { Redis } from 'ioredis';
import { nanoid } from 'nanoid';
import { keys } from './keys.js';
import { readHash, toFields, UPDATE_UNLESS_TERMINAL } from './hash-json.js';
import { InventoryProgress } from './inventory-progress.js';
import { newestFirstPage, type ListCursor } from './list-cursor.js';
import { TERMINAL_STATUSES, type AnalysisRecord, type RunOutcome } from './types.js';

export const RUN_OUTCOME_TTL_S = 7 * 24 * 3600;
export const FAILED_RUN_TTL_S = 600;

/** A run submitted and not yet finished: what to run again if its queued job is lost. */
export interface OpenRun {
  /** The job's target as the queue describes it (opaque here). */
  target: unknown;
  source: string;
  openedAt: string;
  /** How often the run was enqueued again after its job was lost. */
  requeues: number;
}

export type NewAnalysis = Pick<
  AnalysisRecord,
  'orgId' | 'ecosystem' | 'name' | 'version' | 'source' | 'archiveSha256' | 'runKey' | 'inventoryId'
>;

export class AnalysisStore {
  private readonly progress: InventoryProgress;

  constructor(private readonly redis: Redis) {
    this.progress = new InventoryProgress(redis);
  }

  async create(input: NewAnalysis, done?: Partial<AnalysisRecord>): Promise<AnalysisRecord> {
    const record: AnalysisRecord = {
      ...input,
      id: `an_${nanoid(16)}`,
      status: 'queued',
      cached: false,
      submittedAt: new Date().toISOString(),
      startedAt: null,
      finishedAt: null,
      reportId: null,
      verdict: null,
      phases: [],
      error: null,
      ...done,
    };
    const m = this.redis
      .multi()
      .hset(keys.analysis(record.id), ...toFields(record))
      .zadd(keys.orgAnalyses(record.orgId), Date.parse(record.submittedAt), record.id);
    if (record.verdict) m.zadd(keys.orgAnalysesByVerdict(record.orgId, record.verdict.verdict), Date.parse(record.submittedAt), record.id);
    await m.exec();
    return record;
  }

  /** The analysis if it exists and belongs to the organization; another organization's id reads as absent. */
  async get(id: string, orgId?: string): Promise<AnalysisRecord | null> {
    const record = await readHash<AnalysisRecord>(this.redis, keys.analysis(id));
    if (!record || (orgId !== undefined && record.orgId !== orgId)) return null;
    return record;
  }

  /**
   * Newest first, after `before` (list-cursor.ts); with `verdict`, only completed analyses with that
   * verdict (an index, not a scan).
   */
  async list(orgId: string, limit: number, before?: ListCursor, verdict?: string): Promise<AnalysisRecord[]> {
    const key = verdict === undefined ? keys.orgAnalyses(orgId) : keys.orgAnalysesByVerdict(orgId, verdict);
    const ids = (await newestFirstPage(this.redis, key, limit, before)).map((e) => e.id);
    const records = await Promise.all(ids.map((id) => this.get(id, orgId)));
    return records.filter((r): r is AnalysisRecord => r !== null);
  }

  /** Updates a non-finished analysis; false when it is already completed, failed or cancelled (or unknown). */
  async update(id: string, patch: Partial<AnalysisRecord>): Promise<boolean> {
    const result = await this.redis.eval(UPDATE_UNLESS_TERMINAL, 1, keys.analysis(id), ...toFields(patch));
    if (result !== 1) return false;
    // Finished, however (a run's outcome, a cancel, a sweep): its inventory's scan counts it, in O(1).
    if (patch.status && TERMINAL_STATUSES.includes(patch.status)) {
      const inventoryId = await this.redis.hget(keys.analysis(id), 'inventoryId');
      if (inventoryId && inventoryId !== 'null') await this.progress.noteFinished(JSON.parse(inventoryId) as string, id);
    }
    return true;
  }

  /**
   * Subscribes an analysis to a run and returns the run's outcome if it has already ended. Subscribe
   * first, then read: the worker writes the outcome first, then reads the subscribers, so whichever
   * comes second sees the other and no analysis is left waiting.
   */
  async subscribe(runKey: string, analysisId: string): Promise<RunOutcome | null> {
    await this.redis.sadd(keys.runSubscribers(runKey), analysisId);
    return this.runOutcome(runKey);
  }

  async subscribers(runKey: string): Promise<string[]> {
    return this.redis.smembers(keys.runSubscribers(runKey));
  }

  async unsubscribe(runKey: string, analysisId: string): Promise<number> {
    await this.redis.srem(keys.runSubscribers(runKey), analysisId);
    return this.redis.scard(keys.runSubscribers(runKey));
  }

  async runOutcome(runKey: string): Promise<RunOutcome | null> {
    const text = await this.redis.get(keys.runOutcome(runKey));
    return text ? (JSON.parse(text) as RunOutcome) : null;
  }

  /**
   * Records how a run ended and returns the analyses to finish from it. The outcome outlives the
   * finished BullMQ job (kept 24 h, so a late subscriber to the same job id still gets an answer); a
   * failure is kept 10 minutes only, so a resubmission after that runs again.
   */
  async finishRun(runKey: string, outcome: RunOutcome): Promise<string[]> {
    const ttl = outcome.status === 'completed' ? RUN_OUTCOME_TTL_S : FAILED_RUN_TTL_S;
    await this.redis.multi().set(keys.runOutcome(runKey), JSON.stringify(outcome), 'EX', ttl).hdel(keys.openRuns(), runKey).exec();
    return this.redis.smembers(keys.runSubscribers(runKey));
  }

  /** Notes a run as submitted (before its job is enqueued), so a sweep finds it if its job is lost. */
  async openRun(runKey: string, run: OpenRun): Promise<void> {
    await this.redis.hset(keys.openRuns(), runKey, JSON.stringify(run));
  }

  /** Forgets an open run (its job ended and every analysis waiting on it is finished). */
  async closeRun(runKey: string): Promise<void> {
    await this.redis.hdel(keys.openRuns(), runKey);
  }

  /** Every open run, read in batches (HSCAN): the sweep's work is the number of unfinished runs. */
  async *openRuns(): AsyncGenerator<[string, OpenRun]> {
    let cursor = '0';
    do {
      const [next, flat] = await this.redis.hscan(keys.openRuns(), cursor, 'COUNT', 200);
      cursor = next;
      for (let i = 0; i + 1 < flat.length; i += 2) yield [flat[i]!, JSON.parse(flat[i + 1]!) as OpenRun];
    } while (cursor !== '0');
  }

  /** Copies a run's outcome into one analysis (idempotent; a cancelled analysis stays cancelled). */
  async applyOutcome(analysisId: string, outcome: RunOutcome): Promise<boolean> {
    if (outcome.status === 'completed') {
      const applied = await this.update(analysisId, {
        status: 'completed',
        finishedAt: outcome.finishedAt,
        reportId: outcome.reportId,
        verdict: outcome.verdict,
        phases: outcome.phases,
        archiveSha256: outcome.archiveSha256,
      });
      if (applied) {
        // The index by verdict needs two fields of the record, not the whole of it (fields are JSON).
        const [orgId, submittedAt] = (await this.redis.hmget(keys.analysis(analysisId), 'orgId', 'submittedAt')).map(
          (v) => JSON.parse(v!) as string,
        );
        await this.redis.zadd(keys.orgAnalysesByVerdict(orgId!, outcome.verdict.verdict), Date.parse(submittedAt!), analysisId);
      }
      return applied;
    }
    return this.update(analysisId, { status: 'failed', finishedAt: outcome.finishedAt, error: outcome.error });
  }
}
