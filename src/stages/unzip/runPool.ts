/**
 * Runs worker over items with at most `concurrency` in flight. After the first failure no new item starts, the
 * in-flight ones are awaited (so the caller can safely delete what they were writing), then that failure is thrown.
 */
export async function runPool<T>(
  items: readonly T[],
  concurrency: number,
  worker: (item: T) => Promise<void>,
  shouldStop: () => void,
): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  async function lane(): Promise<void> {
    while (failure === undefined && next < items.length) {
      const item = items[next] as T;
      next += 1;
      try {
        shouldStop();
        await worker(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
  if (failure !== undefined) throw failure.error;
}
