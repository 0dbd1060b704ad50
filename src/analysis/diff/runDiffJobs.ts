import { cancelledError, throwIfCancelled } from '../../stages/stageContext';
import { DAY_LIMIT } from '../dayNumbers';
import type { DayMarks } from './compareCsvFiles';
import type { SymbolDiff } from './diffTypes';
import { runDiffJob, type DiffJob, type DiffSetup } from './runDiffJob';

const YIELD_EVERY = 8;
const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export interface DiffJobsOptions {
  readonly workers?: number;
  readonly signal: AbortSignal;
}

/**
 * Runs every job and hands each symbol's diff to `onResult` on this thread. Returns the days the rows have when the
 * setup tracks them (else null). The signal is checked between symbols; on abort it throws CANCELLED.
 */
export async function runDiffJobs(
  setup: DiffSetup,
  jobs: readonly DiffJob[],
  options: DiffJobsOptions,
  onResult: (result: SymbolDiff) => void,
): Promise<DayMarks | null> {
  const marks = setup.trackDays ? { old: new Uint8Array(DAY_LIMIT), new: new Uint8Array(DAY_LIMIT) } : null;
  for (const [i, job] of jobs.entries()) {
    // Reads are synchronous (cheaper for many small files); yielding every few symbols lets an abort be seen.
    if (i % YIELD_EVERY === 0) await yieldToEventLoop();
    throwIfCancelled(options.signal, 'Diff');
    onResult(runDiffJob(setup, job, marks));
  }
  if (options.signal.aborted) throw cancelledError('Diff');
  return marks;
}
