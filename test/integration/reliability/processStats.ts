import { readdirSync, readFileSync } from 'node:fs';

export interface ProcessStats {
  /** Resident set size in bytes (VmRSS). */
  readonly rssBytes: number;
  /** Open file descriptors (sockets, files, pipes). */
  readonly openFds: number;
}

/** A Linux process's resident memory and open descriptors, from /proc/<pid>/status and /proc/<pid>/fd. */
export function readProcessStats(pid: number): ProcessStats {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKb = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
  if (rssKb === undefined) throw new Error(`no VmRSS for process ${pid}`);
  return { rssBytes: Number(rssKb) * 1024, openFds: readdirSync(`/proc/${pid}/fd`).length };
}

/** The median of a non-empty list of numbers. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of nothing');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
