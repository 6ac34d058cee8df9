import type { Job } from 'bullmq';

/** Whether this run of the job is its last allowed attempt (BullMQ counts failed attempts in attemptsMade). */
export function isLastAttempt(job: Pick<Job, 'attemptsMade' | 'opts'>): boolean {
  return job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
}
