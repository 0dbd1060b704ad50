import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

export const WORKER_FILE = join(__dirname, 'analysisWorker.js');

/**
 * Default worker count: one per core (at most 2 — the writer stays on the main thread), and none when this module is
 * not running from compiled JavaScript (tests load the TypeScript sources, which a worker cannot execute).
 */
export function defaultWorkerCount(): number {
  return __filename.endsWith('.js') && existsSync(WORKER_FILE) ? Math.min(2, availableParallelism()) : 0;
}

// Workers started ahead of an analysis, waiting to be taken, each with the listener that drops it if it fails first.
const waiting = new Map<Worker, () => void>();

/**
 * Starts analysis workers ahead of the analysis, so that their start-up (Node's bootstrap and the analysis modules,
 * about 60 ms of CPU each) overlaps what comes first: the command line loading its modules and reading an archive's
 * first members. A waiting worker does not hold the process open; one that fails before it is taken is dropped.
 */
export function prestartAnalysisWorkers(count: number): void {
  while (waiting.size < count) {
    const worker = new Worker(WORKER_FILE);
    worker.unref();
    const drop = (): void => void waiting.delete(worker);
    worker.once('error', drop);
    worker.once('exit', drop);
    waiting.set(worker, drop);
  }
}

/** A prestarted worker when one waits, else a new one; either does nothing until sent its `start` request. */
export function takeAnalysisWorker(): Worker {
  for (const [worker, drop] of waiting) {
    waiting.delete(worker);
    worker.off('error', drop);
    worker.off('exit', drop);
    worker.ref();
    return worker;
  }
  return new Worker(WORKER_FILE);
}
