import type { ProgressCallback } from './progress';

export interface BytesProgressReporter {
  /** Sets the absolute count of bytes done; reports when it crossed the next step. */
  update(done: number): void;
  /** Changes the total once it becomes known (for example from a Content-Range header). */
  setTotal(total: number | null): void;
  /** Reports the current count unconditionally. */
  flush(): void;
}

/**
 * Byte progress that reports at most ~200 times per run (every 0.5 % of the total, at least every 4 MiB when the
 * total is unknown), so a callback that writes to a database is not called per chunk.
 */
export function reportBytesProgress(onProgress: ProgressCallback, total: number | null): BytesProgressReporter {
  let currentTotal = total;
  let done = 0;
  let nextReport = 0;

  const step = (): number => Math.max(currentTotal === null ? 4 * 2 ** 20 : Math.ceil(currentTotal / 200), 1);
  const flush = (): void => {
    nextReport = done + step();
    const message = currentTotal === null ? formatBytes(done) : `${formatBytes(done)} of ${formatBytes(currentTotal)}`;
    onProgress({ done, total: currentTotal, unit: 'bytes', message });
  };

  return {
    update(value) {
      done = value;
      if (done >= nextReport) flush();
    },
    setTotal(value) {
      currentTotal = value;
      nextReport = done;
    },
    flush,
  };
}

/** "1.5 MB" style, decimal units as download tools show them. */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${value.toFixed(1)} ${units[unit] ?? 'TB'}`;
}
