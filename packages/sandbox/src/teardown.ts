/**
 * Container removals left running in the background (`deferTeardown`): removing two containers and the
 * gVisor log is about 0.25 s a run that need not delay the verdict. Each is tracked here so a process
 * awaits them before it exits; a process killed first leaves its containers to the orphan reaper (their
 * owner label names a dead pid or worker), so nothing is leaked either way.
 */
const pending = new Set<Promise<void>>();

/** Runs `remove` now without waiting for it; it never rejects (its failures are the caller's to log). */
export function inBackground(remove: () => Promise<void>): void {
  const done = remove().catch(() => undefined);
  pending.add(done);
  void done.finally(() => pending.delete(done));
}

/** Waits for every background removal started so far (and any they start); resolves how many it waited for. */
export async function settleTeardowns(): Promise<number> {
  let waited = 0;
  while (pending.size > 0) {
    const now = [...pending];
    waited += now.length;
    await Promise.all(now);
  }
  return waited;
}

/** Removals still running: for a progress line or a test. */
export function pendingTeardowns(): number {
  return pending.size;
}
