import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StageContext } from '../../stages/stageContext';
import { DAY_LIMIT } from '../dayNumbers';
import { createEmptyTotals, type DiffTotals, type SymbolDiff } from './diffTypes';
import { prepareDiffSide, type DiffInput, type DiffSideInfo, type PreparedSide } from './prepareDiffSide';
import type { DiffJob, DiffSetup } from './runDiffJob';
import { runDiffJobs } from './runDiffJobs';

export interface BundleDiff {
  readonly from: DiffSideInfo;
  readonly to: DiffSideInfo;
  readonly totals: DiffTotals;
  /** Every symbol with a change (added, removed, or rows added, removed, restated or re-adjusted), by symbol. */
  readonly symbols: SymbolDiff[];
}

export interface DiffBundlesOptions {
  /** Worker threads (default: as the analysis, one per core up to two, when running compiled). */
  readonly workers?: number;
  /** Where long-form bundles are split by symbol (a fresh directory, removed afterwards); default os.tmpdir(). */
  readonly tempDir?: string;
}

/**
 * Compares two bundles symbol by symbol and row by row (a row is one symbol on one date), in csv-daily (per symbol or
 * long form) and qlib binary form, either side in either format. Progress counts symbols; the signal is checked
 * between symbols (CANCELLED). Nothing is written anywhere: storing the result is the caller's.
 */
export async function diffBundles(
  oldBundle: DiffInput,
  newBundle: DiffInput,
  ctx: StageContext,
  options: DiffBundlesOptions = {},
): Promise<BundleDiff> {
  const spillDir = await mkdtemp(join(options.tempDir ?? tmpdir(), 'market-data-diff-'));
  try {
    const old = await prepareDiffSide(oldBundle, ctx, join(spillDir, 'old'));
    const next = await prepareDiffSide(newBundle, ctx, join(spillDir, 'new'));
    const setup = createSetup(old, next);
    const names = [...new Set([...old.symbols.keys(), ...next.symbols.keys()])].sort();
    const jobs: DiffJob[] = names.map((symbol) => ({
      symbol,
      old: old.symbols.get(symbol) ?? null,
      new: next.symbols.get(symbol) ?? null,
    }));
    const totals = createEmptyTotals();
    const changed: SymbolDiff[] = [];
    let done = 0;
    const step = Math.max(1, Math.floor(jobs.length / 100));
    const report = (): void =>
      ctx.onProgress({
        done,
        total: jobs.length,
        unit: 'symbols',
        message: `${done} of ${jobs.length} symbols compared`,
      });
    report();
    const marks = await runDiffJobs(setup, jobs, { workers: options.workers, signal: ctx.signal }, (result) => {
      addToTotals(totals, result);
      if (result.change !== 'unchanged') changed.push(result);
      done++;
      if (done % step === 0 || done === jobs.length) report();
    });
    const oldDays = old.calendarDays ?? marks?.old ?? new Uint8Array(0);
    const newDays = next.calendarDays ?? marks?.new ?? new Uint8Array(0);
    totals.days_added = countMissing(newDays, oldDays);
    totals.days_removed = countMissing(oldDays, newDays);
    changed.sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
    return { from: old.info, to: next.info, totals, symbols: changed };
  } finally {
    await rm(spillDir, { recursive: true, force: true });
  }
}

function createSetup(old: PreparedSide, next: PreparedSide): DiffSetup {
  const [a, b] = [old.qlibCalendar, next.qlibCalendar];
  return {
    units: { old: old.units, new: next.units },
    calendars: { old: a, new: b },
    calendarsAligned: a !== null && b !== null && a.length <= b.length && a.every((day, i) => b[i] === day),
    trackDays: old.calendarDays === null || next.calendarDays === null,
  };
}

function addToTotals(totals: DiffTotals, result: SymbolDiff): void {
  totals.rows_added += result.rows_added;
  totals.rows_removed += result.rows_removed;
  totals.rows_restated += result.rows_restated;
  if (result.change === 'added') totals.symbols_added++;
  else if (result.change === 'removed') totals.symbols_removed++;
  else {
    totals.symbols_compared++;
    if (result.change === 'unchanged') totals.symbols_unchanged++;
    if (result.rows_restated > 0) totals.symbols_restated++;
    if (result.readjusted) totals.symbols_readjusted++;
  }
}

/** Days of `days` (a list of day numbers, or marks by day number) that `other` does not have. */
function countMissing(days: Int32Array | Uint8Array, other: Int32Array | Uint8Array): number {
  const present = toMarks(other);
  let missing = 0;
  if (days instanceof Int32Array) {
    for (const day of days) if (present[day] !== 1) missing++;
  } else {
    for (let day = 0; day < days.length; day++) if (days[day] === 1 && present[day] !== 1) missing++;
  }
  return missing;
}

function toMarks(days: Int32Array | Uint8Array): Uint8Array {
  if (days instanceof Uint8Array) return days;
  const marks = new Uint8Array(DAY_LIMIT);
  for (const day of days) marks[day] = 1;
  return marks;
}
