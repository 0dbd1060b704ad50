import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { AppError, ErrorCode } from '../../errors';
import { cancelledError, throwIfCancelled } from '../../stages/stageContext';
import { DAY_LIMIT } from '../dayNumbers';
import type { DayMarks } from './compareCsvFiles';
import type { SymbolDiff } from './diffTypes';
import { runDiffJob, type DiffJob, type DiffSetup } from './runDiffJob';

const WORKER_FILE = join(__dirname, 'diffWorker.js');
// Worker threads pay off only beyond their start-up cost; small bundles are compared in-process.
const MIN_JOBS_FOR_WORKERS = 64;
// Jobs queued per worker, so a worker never waits for the main thread between symbols.
const IN_FLIGHT_PER_WORKER = 8;
const YIELD_EVERY = 8;
const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export type DiffWorkerRequest = { type: 'job'; job: DiffJob } | { type: 'finish' };
export type DiffWorkerReply =
  | { type: 'result'; result: SymbolDiff }
  | { type: 'marks'; marks: DayMarks | null }
  | { type: 'error'; message: string; code: ErrorCode | undefined };

export interface DiffJobsOptions {
  /** Worker threads; default one per core up to two when running compiled (tests load sources: in-process). */
  readonly workers?: number;
  readonly signal: AbortSignal;
}

/**
 * Runs every job and hands each symbol's diff to `onResult` on this thread, in any order when workers run. Returns
 * the days the rows have when the setup tracks them (else null). The signal is checked between symbols (CANCELLED).
 */
export async function runDiffJobs(
  setup: DiffSetup,
  jobs: readonly DiffJob[],
  options: DiffJobsOptions,
  onResult: (result: SymbolDiff) => void,
): Promise<DayMarks | null> {
  const workers = options.workers ?? defaultWorkers();
  if (workers > 0 && jobs.length >= MIN_JOBS_FOR_WORKERS && existsSync(WORKER_FILE)) {
    return runInWorkers(setup, jobs, workers, options.signal, onResult);
  }
  const marks = setup.trackDays ? createMarks() : null;
  for (const [i, job] of jobs.entries()) {
    // Reads are synchronous (cheaper for many small files); yielding every few symbols lets an abort be seen.
    if (i % YIELD_EVERY === 0) await yieldToEventLoop();
    throwIfCancelled(options.signal, 'Diff');
    onResult(runDiffJob(setup, job, marks));
  }
  throwIfCancelled(options.signal, 'Diff');
  return marks;
}

function defaultWorkers(): number {
  return __filename.endsWith('.js') && existsSync(WORKER_FILE) ? Math.min(2, availableParallelism()) : 0;
}

function createMarks(): DayMarks {
  return { old: new Uint8Array(DAY_LIMIT), new: new Uint8Array(DAY_LIMIT) };
}

function runInWorkers(
  setup: DiffSetup,
  jobs: readonly DiffJob[],
  count: number,
  signal: AbortSignal,
  onResult: (result: SymbolDiff) => void,
): Promise<DayMarks | null> {
  throwIfCancelled(signal, 'Diff');
  return new Promise((resolve, reject) => {
    const pool = Array.from({ length: count }, () => new Worker(WORKER_FILE, { workerData: setup }));
    const inFlight = new Map(pool.map((worker) => [worker, 0]));
    const marks = setup.trackDays ? createMarks() : null;
    let next = 0;
    let finished = 0;
    let settled = false;
    const settle = (error: Error | null): void => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      for (const worker of pool) void worker.terminate();
      if (error) reject(error);
      else resolve(marks);
    };
    const onAbort = (): void => settle(cancelledError('Diff'));
    signal.addEventListener('abort', onAbort, { once: true });
    const feed = (worker: Worker): void => {
      while (next < jobs.length && inFlight.get(worker)! < IN_FLIGHT_PER_WORKER) {
        inFlight.set(worker, inFlight.get(worker)! + 1);
        worker.postMessage({ type: 'job', job: jobs[next++]! } satisfies DiffWorkerRequest);
      }
      if (next >= jobs.length && inFlight.get(worker) === 0) {
        inFlight.set(worker, -1); // told to finish
        worker.postMessage({ type: 'finish' } satisfies DiffWorkerRequest);
      }
    };
    for (const worker of pool) {
      worker.on('message', (reply: DiffWorkerReply) => {
        if (settled) return;
        try {
          if (reply.type === 'error') {
            settle(new AppError(reply.code ?? ErrorCode.BundleInvalid, reply.message));
          } else if (reply.type === 'result') {
            onResult(reply.result);
            inFlight.set(worker, inFlight.get(worker)! - 1);
            feed(worker);
          } else {
            if (marks && reply.marks) mergeMarks(marks, reply.marks);
            if (++finished === pool.length) settle(null);
          }
        } catch (error) {
          settle(error instanceof Error ? error : new Error(String(error)));
        }
      });
      worker.on('error', (error) =>
        settle(new AppError(ErrorCode.Internal, 'A diff worker failed.', { cause: error })),
      );
      worker.on('exit', (code) => {
        if (code !== 0) settle(new AppError(ErrorCode.Internal, `A diff worker exited with code ${code}.`));
      });
      feed(worker);
    }
  });
}

function mergeMarks(into: DayMarks, from: DayMarks): void {
  for (let day = 0; day < DAY_LIMIT; day++) {
    if (from.old[day] === 1) into.old[day] = 1;
    if (from.new[day] === 1) into.new[day] = 1;
  }
}
