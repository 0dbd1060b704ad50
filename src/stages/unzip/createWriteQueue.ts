export interface WriteQueue {
  /** Starts a write; waits first while `limit` writes are already in flight. Rethrows an earlier failure. */
  add(write: () => Promise<void>): Promise<void>;
  /** Waits for every write; throws the first failure. */
  drain(): Promise<void>;
}

/** Lets a sequential reader keep parsing while small files are written on the thread pool. */
export function createWriteQueue(limit: number): WriteQueue {
  const inFlight = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;

  const rethrow = (): void => {
    if (failure !== undefined) throw failure.error;
  };

  return {
    async add(write) {
      rethrow();
      while (inFlight.size >= limit) await Promise.race(inFlight);
      rethrow();
      const promise = write().then(
        () => {
          inFlight.delete(promise);
        },
        (error: unknown) => {
          inFlight.delete(promise);
          failure ??= { error };
        },
      );
      inFlight.add(promise);
    },
    async drain() {
      await Promise.all(inFlight);
      rethrow();
    },
  };
}
