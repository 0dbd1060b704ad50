import { readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/**
 * Raises the nice value of the calling thread only, by `increment` (capped at 19), and returns whether it could. On
 * Linux a thread is a task with its own nice value, named by its thread id (read from /proc/thread-self); elsewhere,
 * or when the system refuses, nothing changes.
 */
export function lowerThreadPriority(increment: number): boolean {
  if (process.platform !== 'linux') return false;
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(tid) || tid === process.pid) return false;
    setPriority(tid, Math.min(19, getPriority(tid) + increment));
    return true;
  } catch {
    return false;
  }
}
