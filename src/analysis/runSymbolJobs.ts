import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { AppError, ErrorCode } from '../errors';
import { cancelledError, throwIfCancelled } from '../stages/stageContext';
import type { AnalyzerSetup } from './analyzerSetup';
import { createSymbolAnalyzer, type SymbolAnalysis } from './createSymbolAnalyzer';
import { addDayCounts, createDayCounts, type DayCounts } from './dayCounts';
import { readDataFileSync, readLineNumbersSync } from './readDataFile';
import type { SymbolJob, WorkerReply, WorkerRequest } from './workerMessages';

// Worker threads only pay off beyond start-up cost; small bundles run in-process.
const MIN_JOBS_FOR_WORKERS = 64;
const WORKER_FILE = join(__dirname, 'analysisWorker.js');
const YIELD_EVERY = 8;
// Jobs queued per worker, so a worker never waits for the main thread between symbols.
const IN_FLIGHT_PER_WORKER = 2;

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Default worker count: one per core (at most 2 — the writer stays on the main thread), and none when this module is
 * not running from compiled JavaScript (tests load the TypeScript sources, which a worker cannot execute).
 */
export function defaultWorkerCount(): number {
  return __filename.endsWith('.js') && existsSync(WORKER_FILE) ? Math.min(2, availableParallelism()) : 0;
}

/**
 * Analyses every job, one symbol at a time per thread, and hands each result to `onResult` on the main thread (the
 * single writer). Results may arrive out of job order when workers run. Returns the merged per-day tallies. The
 * signal is checked between symbols; on abort it throws CANCELLED.
 */
export async function runSymbolJobs(
  setup: AnalyzerSetup,
  jobs: readonly SymbolJob[],
  options: { workers: number; signal: AbortSignal },
  onResult: (result: SymbolAnalysis) => void,
): Promise<DayCounts> {
  if (options.workers > 0 && jobs.length >= MIN_JOBS_FOR_WORKERS && existsSync(WORKER_FILE)) {
    return runInWorkers(setup, jobs, options.workers, options.signal, onResult);
  }
  const analyzer = createSymbolAnalyzer(setup);
  for (let i = 0; i < jobs.length; i++) {
    // Synchronous reads are markedly cheaper than fs.promises for many small files; yielding every few symbols
    // keeps the process responsive, so an abort is seen between symbols.
    if (i % YIELD_EVERY === 0) await yieldToEventLoop();
    throwIfCancelled(options.signal, 'Analysis');
    const job = jobs[i]!;
    const lines = job.linesPath === undefined ? undefined : readLineNumbersSync(job.linesPath);
    onResult(analyzer.analyze(job.info, readDataFileSync(job.path, job.gzip), lines));
  }
  throwIfCancelled(options.signal, 'Analysis');
  return analyzer.days;
}

function runInWorkers(
  setup: AnalyzerSetup,
  jobs: readonly SymbolJob[],
  count: number,
  signal: AbortSignal,
  onResult: (result: SymbolAnalysis) => void,
): Promise<DayCounts> {
  throwIfCancelled(signal, 'Analysis');
  return new Promise<DayCounts>((resolve, reject) => {
    const merged = createDayCounts(setup.calendar.length);
    const workers = Array.from(
      { length: Math.min(count, jobs.length) },
      () => new Worker(WORKER_FILE, { workerData: setup }),
    );
    let next = 0;
    let finished = 0;
    let settled = false;

    const settle = (error: unknown, days?: DayCounts): void => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      for (const worker of workers) void worker.terminate();
      if (days) resolve(days);
      else reject(error instanceof Error ? error : new Error(String(error)));
    };
    const onAbort = (): void => settle(cancelledError('Analysis'));
    signal.addEventListener('abort', onAbort, { once: true });

    const inFlight = new Map<Worker, number>();
    const told = new Set<Worker>();
    const dispatch = (worker: Worker): void => {
      const job = jobs[next];
      if (job) {
        next++;
        inFlight.set(worker, (inFlight.get(worker) ?? 0) + 1);
        worker.postMessage({ type: 'job', job } satisfies WorkerRequest);
      } else if ((inFlight.get(worker) ?? 0) === 0 && !told.has(worker)) {
        told.add(worker);
        worker.postMessage({ type: 'finish' } satisfies WorkerRequest);
      }
    };

    for (const worker of workers) {
      worker.on('message', (reply: WorkerReply) => {
        if (settled) return;
        if (reply.type === 'error') {
          settle(
            new AppError(ErrorCode.BundleInvalid, 'A bundle data file could not be analysed.', {
              cause: reply.message,
            }),
          );
        } else if (reply.type === 'days') {
          addDayCounts(merged, reply.days);
          if (++finished === workers.length) settle(null, merged);
        } else {
          try {
            onResult(reply.result);
          } catch (error) {
            settle(error);
            return;
          }
          inFlight.set(worker, (inFlight.get(worker) ?? 1) - 1);
          if (signal.aborted) settle(cancelledError('Analysis'));
          else dispatch(worker);
        }
      });
      worker.on('error', (error) =>
        settle(new AppError(ErrorCode.Internal, 'An analysis worker failed.', { cause: error })),
      );
      worker.on('exit', (code) => {
        if (code !== 0) settle(new AppError(ErrorCode.Internal, `An analysis worker exited with code ${code}.`));
      });
      for (let k = 0; k < IN_FLIGHT_PER_WORKER; k++) dispatch(worker);
    }
  });
}
