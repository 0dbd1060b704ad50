/** Resolves when every promise in the (live) set has settled, or after timeoutMs, whichever comes first. */
export async function waitForAll(pending: ReadonlySet<Promise<unknown>>, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, timeoutMs);
  });
  const drain = async (): Promise<void> => {
    // Work may start while we wait (a request accepted just before close), so re-check until the set is empty.
    while (pending.size > 0) await Promise.allSettled([...pending]);
  };
  await Promise.race([drain(), timeout]);
  clearTimeout(timer);
}
