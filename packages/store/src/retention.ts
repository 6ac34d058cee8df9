/**
 * What the retention sweep removed from the shared data folder: an analysis's artifacts (raw records, network
 * log) and uploaded archives. The analysis records stay; these marks let the API answer "expired" (410)
 * instead of "not found" for files that existed and were deleted on purpose.
 */
import type { Redis } from 'ioredis';
import { keys } from './keys.js';

export class RetentionStore {
  constructor(private readonly redis: Redis) {}

  /** Marks a run's artifacts folder (named by its report id) as deleted by retention, at `at` (ISO). */
  async markArtifactsExpired(reportId: string, at: string): Promise<void> {
    await this.redis.hset(keys.expiredArtifacts(), reportId, at);
  }

  /** When a run's artifacts were deleted by retention; null when they were not. */
  async artifactsExpiredAt(reportId: string): Promise<string | null> {
    return this.redis.hget(keys.expiredArtifacts(), reportId);
  }

  /** Marks an uploaded archive (by sha256) as deleted by retention. */
  async markUploadExpired(sha256: string, at: string): Promise<void> {
    await this.redis.hset(keys.expiredUploads(), sha256, at);
  }

  async uploadExpiredAt(sha256: string): Promise<string | null> {
    return this.redis.hget(keys.expiredUploads(), sha256);
  }

  /** The same archive uploaded again: it is stored afresh and no longer expired. */
  async clearUploadExpired(sha256: string): Promise<void> {
    await this.redis.hdel(keys.expiredUploads(), sha256);
  }
}
