/**
 * Runs many sandbox jobs N at once: the one runner for commands that analyse many packages (`airlock verify`
 * today). Results come back in input order; one job's failure is that job's result, never the batch's.
 */
export type Settled<R> = { ok: true; value: R } | { ok: false; error: Error };

export async function runParallel<T, R>(
  items: readonly T[],
  concurrency: number,
  job: (item: T, index: number) => Promise<R>,
  onSettled?: (result: Settled<R>, item: T, index: number) => void,
): Promise<Settled<R>[]> {
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`concurrency must be a positive integer, got ${concurrency}`);
  const results: Settled<R>[] = new Array(items.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      const item = items[index]!;
      try {
        results[index] = { ok: true, value: await job(item, index) };
      } catch (err) {
        results[index] = { ok: false, error: err instanceof Error ? err : new Error(String(err)) };
      }
      onSettled?.(results[index], item, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
  return results;
}
