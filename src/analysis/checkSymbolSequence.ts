import { countLimitOutcome, TraceFlag, UP_BREACH, type DayTrace, type DeferredLimit } from './dayTrace';
import { flushIssueNotes, Note, noteIssue, type IssueNotes } from './issueNotes';
import { judgeLimit, LimitKind } from './judgeLimit';
import type { SymbolCounts } from './metricNames';
import type { RowTable } from './rowTable';

export interface SequenceInput {
  readonly table: RowTable;
  /** By day number: 1 when the symbol has any row that day (a parse-error row with a readable date included). */
  readonly presentAt: Uint8Array;
  /** By day number: the row that passed row checks 1–4 that day, else -1. */
  readonly validRowAt: Int32Array;
  readonly minDay: number;
  readonly maxDay: number;
  /** Limit percent by day number (NaN: no limit rule that day). */
  readonly limitPercent: (day: number) => number;
  /** Non-A-share symbol: a breach is a return beyond ±50% and there are no limit hits. */
  readonly genericLimit: boolean;
  /** Listing day and the trading days without a limit after it; the judgements they may cover are deferred. */
  readonly ipo: { readonly listDay: number; readonly freeDays: number } | null;
  readonly counts: SymbolCounts;
  readonly notes: IssueNotes;
}

export interface SequenceResult {
  readonly trace: DayTrace;
  readonly deferred: DeferredLimit[];
  /** The longest run of equal closes. */
  readonly maxStaleRun: number;
}

const STALE_RUN_MIN = 5;

// Trace buffers reused from one symbol to the next (each thread has its own module state); results are copies.
let traceDays = new Int32Array(0);
let traceFlags = new Uint8Array(0);

/**
 * The sequential checks that need no calendar, over one symbol's present days in date order (so an unsorted file
 * needs no sort). Definitions chosen where the checks are open:
 * - the limit reference is `pre_close` when given; else the previous valid close × f_prev / f_t when the adjustment
 *   factor changed (a missing adj_factor carries the previous one forward); else the previous valid close less a
 *   declared dividend, divided by a declared split ratio (the exchange's ex-rights price), so a declared action is
 *   never a breach. A gap is spanned by one return;
 * - a declared action counts on every valid row that declares it (a split and a dividend on one row count two);
 * - a stale run is ≥ 5 valid rows with volume > 0 and the same close, zero-volume rows skipped, not run-breaking.
 * Judgements on the first trading days after an IPO are deferred: whether they fall in the no-limit window depends on
 * the calendar. Missing days and per-day tallies are left to placeOnCalendar.
 */
export function checkSymbolSequence(input: SequenceInput): SequenceResult {
  const { table, presentAt, validRowAt, counts, notes, limitPercent, genericLimit } = input;
  const { open, high, low, close, volume, factor, preClose, split, dividend, line } = table;
  const capacity = input.maxDay - input.minDay + 1;
  if (traceDays.length < capacity) {
    traceDays = new Int32Array(capacity * 2);
    traceFlags = new Uint8Array(capacity * 2);
  }
  const days = traceDays;
  const flags = traceFlags;
  let length = 0;
  const deferred: DeferredLimit[] = [];
  // Valid rows on or after the listing day that may fall inside the window, plus the first that cannot (its split
  // candidate depends on the row before it).
  const ipoDeferrable = input.ipo !== null && input.ipo.freeDays > 0 ? input.ipo.freeDays + 1 : 0;
  let sinceListing = 0;
  let prev = -1;
  let prevFactor = 1;
  let prevUpBreach = false;
  let runClose = NaN;
  let runLength = 0;
  let maxRun = 0;

  for (let day = input.minDay; day <= input.maxDay; day++) {
    if (presentAt[day] === 0) continue;
    const at = length++;
    days[at] = day;
    const row = validRowAt[day]!;
    if (row < 0) {
      flags[at] = 0;
      continue;
    }
    let flag: number = TraceFlag.Valid;
    const c = close[row]!;
    const v = volume[row]!;
    const rawFactor = factor[row]!;
    const f = rawFactor === rawFactor ? rawFactor : prevFactor;
    const r = actionRatio(split[row]!);
    const d = dividend[row]! > 0 ? dividend[row]! : 0;
    if (r !== 1) counts.declared_actions++;
    if (d > 0) counts.declared_actions++;
    if (v === 0) flag |= TraceFlag.ZeroVolume;
    let upBreach = false;

    if (prev >= 0) {
      const identical =
        v > 0 &&
        c === close[prev] &&
        v === volume[prev] &&
        open[row] === open[prev] &&
        high[row] === high[prev] &&
        low[row] === low[prev];
      if (identical) {
        counts.repeated_rows++;
        flag |= TraceFlag.Identical;
        noteIssue(notes, Note.RepeatedRow, day, line[row]!);
      }
      if (f !== prevFactor) {
        counts.adj_factor_changes++;
        noteIssue(notes, Note.AdjFactorChange, day, line[row]!, prevFactor, f);
      }
      const pre = preClose[row]!;
      const ref = pre > 0 ? pre : f !== prevFactor ? (close[prev]! * prevFactor) / f : (close[prev]! - d) / r;
      const outcome = judgeLimit(c, ref, limitPercent(day), genericLimit);
      if (ipoDeferrable > 0 && day >= input.ipo!.listDay && sinceListing < ipoDeferrable) {
        // Counted by placeOnCalendar; the last deferred row is never exempt, so its up-breach is known here.
        if (outcome.kind !== LimitKind.None)
          deferred.push({ at, day, line: line[row]!, close: c, outcome, prevUpBreach });
        upBreach = outcome.kind === LimitKind.UpBreach;
      } else {
        const counted = countLimitOutcome(outcome, prevUpBreach, counts, notes, day, line[row]!, c);
        flag |= counted & ~UP_BREACH;
        upBreach = counted === UP_BREACH;
      }
    }
    if (day >= (input.ipo?.listDay ?? Infinity)) sinceListing++;

    if (v > 0) {
      if (runLength > 0 && c === runClose) runLength++;
      else {
        if (runLength > maxRun) maxRun = runLength;
        endRun(runLength, runClose, day, counts, notes);
        runClose = c;
        runLength = 1;
      }
    }
    flags[at] = flag;
    prev = row;
    prevFactor = f;
    prevUpBreach = upBreach;
  }
  if (runLength > maxRun) maxRun = runLength;
  endRun(runLength, runClose, input.maxDay + 1, counts, notes);
  flushIssueNotes(notes);
  const trace = { days: days.slice(0, length), flags: flags.slice(0, length) };
  return { trace, deferred, maxStaleRun: maxRun };
}

/**
 * Counts a run of equal closes that ended before `day` if it is long enough to be stale. A function of its own, not a
 * closure over the loop's variables: those would live in a heap context, and every new close stored there would
 * allocate a boxed number.
 */
function endRun(runLength: number, runClose: number, day: number, counts: SymbolCounts, notes: IssueNotes): void {
  if (runLength >= STALE_RUN_MIN) {
    counts.stale_runs++;
    noteIssue(notes, Note.StaleRun, -1, 0, runLength, runClose, day);
  }
}

/** A declared split ratio, or 1 when none (empty, 0 and 1 all mean no split). */
function actionRatio(value: number): number {
  return value > 0 ? value : 1;
}
