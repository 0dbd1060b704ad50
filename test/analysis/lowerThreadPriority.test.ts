import { getPriority } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { lowerThreadPriority } from '../../src/analysis/lowerThreadPriority';

// A worker thread cannot load TypeScript, so it runs the compiled module (npm test builds before Vitest).
const COMPILED = join(__dirname, '..', '..', 'dist', 'src', 'analysis', 'lowerThreadPriority.js');

interface Seen {
  readonly lowered: boolean;
  readonly before: number;
  readonly after: number;
}

/** Runs lowerThreadPriority(increment) in a new worker thread and reports that thread's nice value around it. */
function lowerInWorker(increment: number): Promise<Seen> {
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    const { readlinkSync } = require('node:fs');
    const { getPriority } = require('node:os');
    const { lowerThreadPriority } = require(workerData.module);
    const tid = process.platform === 'linux' ? Number(readlinkSync('/proc/thread-self').split('/').pop()) : 0;
    const before = getPriority(tid);
    const lowered = lowerThreadPriority(workerData.increment);
    parentPort.postMessage({ lowered, before, after: getPriority(tid) });`;
  const worker = new Worker(code, { eval: true, workerData: { module: COMPILED, increment } });
  return new Promise<Seen>((resolve, reject) => {
    worker.once('message', (seen: Seen) => resolve(seen));
    worker.once('error', reject);
  }).finally(() => void worker.terminate());
}

describe('lowerThreadPriority', () => {
  it('raises the nice value of the calling worker thread only, leaving the process main thread as it was', async () => {
    const mainBefore = getPriority(process.pid);
    const seen = await lowerInWorker(3);

    if (process.platform === 'linux') {
      expect(seen.lowered).toBe(true);
      expect(seen.after).toBe(Math.min(19, seen.before + 3));
    } else {
      expect(seen).toMatchObject({ lowered: false, after: seen.before });
    }
    expect(getPriority(process.pid)).toBe(mainBefore);
  });

  it('refuses on the main thread, where the thread id is the process id and a change would slow the whole app', () => {
    const before = getPriority(process.pid);
    expect(lowerThreadPriority(3)).toBe(false);
    expect(getPriority(process.pid)).toBe(before);
  });
});
