import { existsSync } from 'node:fs';
import type { Worker } from 'node:worker_threads';
import { AppError, ErrorCode, type ErrorCode as ErrorCodeType } from '../errors';
import { cancelledError, throwIfCancelled } from '../stages/stageContext';
import { takeAnalysisWorker, WORKER_FILE } from './analysisWorkerPool';
import type { AnalyzerSetup } from './analyzerSetup';
import { createSymbolAnalyzer, type SymbolAnalysis } from './createSymbolAnalyzer';
import { addDayCounts, createDayCounts, type DayCounts } from './dayCounts';
import { unionCalendar } from './dayNumbers';
import { runJob } from './runJob';
import type { SymbolJob, WorkerReplies, WorkerReply, WorkerRequest } from './workerMessages';

// Worker threads only pay off beyond start-up cost; small bundles run in-process.
const MIN_JOBS_FOR_WORKERS = 64;
const YIELD_EVERY = 8;
// Jobs queued per worker, so a worker never waits for the main thread between symbols.
const IN_FLIGHT_PER_WORKER = 8;

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export interface SymbolJobsOptions {
  readonly workers: number;
  readonly signal: AbortSignal;
  /** How many jobs will come, when known (an archive streamed in order does not know). */
  readonly total: number | null;
  /** Called on the main thread each time a symbol has been read (before its result, while the calendar is derived). */
  readonly onRead?: () => void;
  /** Run the worker threads at a lower priority (the service, where an HTTP API shares the process). */
  readonly lowerPriority?: boolean;
}

export interface SymbolJobsResult {
  readonly days: DayCounts;
  /** The calendar the checks ran on: the setup's, or the union of every weekday date seen. */
  readonly calendar: Int32Array;
}

/**
 * Analyses every job, one symbol at a time per thread, and hands each result to `onResult` on the main thread (the
 * single writer). Results may arrive out of job order when workers run. With a derived calendar (setup.calendar
 * null) every symbol is read once, the calendar is the union of the dates seen, and the results follow. The signal
 * is checked between symbols; on abort it throws CANCELLED.
 */
export async function runSymbolJobs(
  setup: AnalyzerSetup,
  jobs: AsyncIterable<SymbolJob> | Iterable<SymbolJob>,
  options: SymbolJobsOptions,
  onResult: (result: SymbolAnalysis) => void,
): Promise<SymbolJobsResult> {
  const useWorkers =
    options.workers > 0 && (options.total === null || options.total >= MIN_JOBS_FOR_WORKERS) && existsSync(WORKER_FILE);
  if (useWorkers) return runInWorkers(setup, jobs, options, onResult);
  const analyzer = createSymbolAnalyzer(setup);
  let i = 0;
  for await (const job of jobs) {
    // Synchronous reads are markedly cheaper than fs.promises for many small files; yielding every few symbols
    // keeps the process responsive, so an abort is seen between symbols.
    if (i++ % YIELD_EVERY === 0) await yieldToEventLoop();
    throwIfCancelled(options.signal, 'Analysis');
    const result = runJob(analyzer, job);
    options.onRead?.();
    if (result) onResult(result);
  }
  throwIfCancelled(options.signal, 'Analysis');
  if (setup.calendar) return { days: analyzer.days()!, calendar: setup.calendar };
  const calendar = unionCalendar([analyzer.seenDays]);
  for (const result of analyzer.finish(calendar)) onResult(result);
  return { days: analyzer.days()!, calendar };
}

function runInWorkers(
  setup: AnalyzerSetup,
  jobs: AsyncIterable<SymbolJob> | Iterable<SymbolJob>,
  options: SymbolJobsOptions,
  onResult: (result: SymbolAnalysis) => void,
): Promise<SymbolJobsResult> {
  const { signal } = options;
  throwIfCancelled(signal, 'Analysis');
  const source = Symbol.asyncIterator in jobs ? jobs[Symbol.asyncIterator]() : toAsync(jobs[Symbol.iterator]());
  return new Promise<SymbolJobsResult>((resolve, reject) => {
    const count = Math.max(1, Math.min(options.workers, options.total ?? options.workers));
    const start: WorkerRequest = { type: 'start', setup, lowerPriority: options.lowerPriority ?? false };
    const workers = Array.from({ length: count }, () => takeAnalysisWorker());
    for (const worker of workers) worker.postMessage(start);
    const inFlight = new Map<Worker, number>(workers.map((worker) => [worker, 0]));
    const seen: Uint8Array[] = [];
    let calendar = setup.calendar;
    let merged: DayCounts | null = null;
    let finished = 0;
    let exhausted = false;
    let pulling = false;
    let settled = false;

    const settle = (error: unknown, result?: SymbolJobsResult): void => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      for (const worker of workers) void worker.terminate();
      void source.return?.();
      if (result) resolve(result);
      else reject(error instanceof Error ? error : new Error(String(error)));
    };
    const onAbort = (): void => settle(cancelledError('Analysis'));
    signal.addEventListener('abort', onAbort, { once: true });
    const post = (worker: Worker, request: WorkerRequest): void => worker.postMessage(request);

    // Hands out jobs to workers with room, one pull at a time (the source may be a stream read in order); when the
    // source runs dry, every idle worker is told to finish.
    const pump = async (): Promise<void> => {
      if (pulling || settled) return;
      pulling = true;
      try {
        for (;;) {
          // The least busy worker with room, so both stay fed when jobs arrive slower than they are analysed.
          const idle = leastBusy(workers, inFlight);
          if (!idle || exhausted || settled) break;
          const next = await source.next();
          if (settled) return;
          if (next.done === true) {
            exhausted = true;
            break;
          }
          inFlight.set(idle, inFlight.get(idle)! + 1);
          idle.postMessage({ type: 'job', job: next.value } satisfies WorkerRequest, ownedBuffers(next.value));
        }
        if (exhausted) {
          for (const worker of workers) {
            if (inFlight.get(worker) === 0) {
              inFlight.set(worker, -1); // told to finish
              post(worker, { type: 'finish' });
            }
          }
        }
      } catch (error) {
        settle(error);
      } finally {
        pulling = false;
      }
    };

    for (const worker of workers) {
      worker.on('message', (replies: WorkerReplies) => {
        try {
          for (const reply of replies) {
            if (settled) return;
            handle(worker, reply);
          }
        } catch (error) {
          settle(error);
        }
      });
      worker.on('error', (error) =>
        settle(new AppError(ErrorCode.Internal, 'An analysis worker failed.', { cause: error })),
      );
      worker.on('exit', (code) => {
        if (code !== 0) settle(new AppError(ErrorCode.Internal, `An analysis worker exited with code ${code}.`));
      });
    }
    void pump();

    function handle(worker: Worker, reply: WorkerReply): void {
      switch (reply.type) {
        case 'error':
          settle(workerError(reply.message, reply.code));
          return;
        case 'result':
        case 'read':
          if (reply.type === 'result') onResult(reply.result);
          if (calendar !== null && inFlight.get(worker)! < 0) return; // a result placed after the calendar arrived
          options.onRead?.();
          inFlight.set(worker, inFlight.get(worker)! - 1);
          if (signal.aborted) settle(cancelledError('Analysis'));
          else void pump();
          return;
        case 'dates':
          seen.push(reply.seen);
          if (seen.length === workers.length) {
            calendar = unionCalendar(seen);
            for (const each of workers) post(each, { type: 'calendar', calendar });
          }
          return;
        case 'days':
          if (merged === null) merged = createDayCounts(calendar!.length);
          addDayCounts(merged, reply.days);
          if (++finished === workers.length) settle(null, { days: merged, calendar: calendar! });
          return;
      }
    }
  });
}

/**
 * The memory of a job's in-memory bytes (tar.gz members) when the job's views cover it whole: moved to the worker
 * instead of copied. A qlib symbol's fields share one buffer, packed side by side. Nothing on the main thread reads
 * them after they are posted.
 */
function ownedBuffers(job: SymbolJob): ArrayBuffer[] {
  const refs = job.kind === 'csv' ? [job.data] : job.fields.map((field) => field.data);
  const covered = new Map<ArrayBuffer, number>();
  for (const ref of refs) {
    if (ref.kind !== 'bytes') continue;
    const { buffer, byteLength } = ref.data;
    if (buffer instanceof ArrayBuffer) covered.set(buffer, (covered.get(buffer) ?? 0) + byteLength);
  }
  return [...covered].filter(([buffer, bytes]) => bytes === buffer.byteLength).map(([buffer]) => buffer);
}

function leastBusy(workers: readonly Worker[], inFlight: ReadonlyMap<Worker, number>): Worker | undefined {
  let best: Worker | undefined;
  for (const worker of workers) {
    const load = inFlight.get(worker)!;
    if (load >= 0 && load < IN_FLIGHT_PER_WORKER && (best === undefined || load < inFlight.get(best)!)) best = worker;
  }
  return best;
}

function workerError(message: string, code: ErrorCodeType | undefined): AppError {
  if (code !== undefined) return new AppError(code, message);
  return new AppError(ErrorCode.BundleInvalid, 'A bundle data file could not be analysed.', { cause: message });
}

function toAsync<T>(iterator: Iterator<T>): AsyncIterator<T> {
  return { next: () => Promise.resolve(iterator.next()) };
}
