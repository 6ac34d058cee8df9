/** A cancel message for a run this process executes: aborted only if no analysis waits on it any more. */
import type { WorkerContext } from './context.js';

export async function cancelRunning(ctx: WorkerContext, runKey: string): Promise<boolean> {
  const controller = ctx.running.get(runKey);
  if (!controller) return false;
  // Another organization may have joined the run since the cancel was decided: it keeps running for them.
  const waiting = (await ctx.store.analyses.subscribers(runKey)).length;
  if (waiting > 0) {
    ctx.log.info({ runKey, waiting }, 'cancel ignored: other analyses wait on this run');
    return false;
  }
  ctx.log.info({ runKey }, 'cancelling a running analysis');
  controller.abort();
  return true;
}
