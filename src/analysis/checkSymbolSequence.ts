import { DAY_LIMIT } from './dayNumbers';
import { TraceFlag, type DayTrace, type DeferredLimit } from './dayTrace';
import type { IssueNotes } from './issueNotes';
import { limitKind, LimitKind } from './judgeLimit';
import type { SymbolCounts } from './metricNames';
import type { RowTable } from './rowTable';
import { countSequenceEvents, SequenceEvent, sequenceEventBuffer } from './sequenceEvents';

export interface SequenceInput {
  readonly table: RowTable;
  /** By day number: 1 when the symbol has any row that day (a parse-error row with a readable date included). */
  readonly presentAt: Uint8Array;
  /** By day number: the row that passed row checks 1–4 that day, else -1. */
  readonly validRowAt: Int32Array;
  readonly minDay: number;
  readonly maxDay: number;
  /** By day number: the limit percent that day, NaN where no rule applies (see fillLimitPercents). */
  readonly limitPercents: Float64Array;
  /** Non-A-share symbol: a breach is a return beyond ±50% and there are no limit hits. */
  readonly genericLimit: boolean;
  /** The prices already carry the declared splits (see HeaderColumns): counted, never applied to the reference. */
  readonly splitsInPrices: boolean;
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

// Plain constants for the per-day loop: a property load on a branch that rarely runs needs type feedback V8 has not
// collected yet (see sequenceEvents.ts).
const { Valid, ZeroVolume, Identical, LimitUp, LimitDown } = TraceFlag;
const { Repeated, FactorChange, Breach, Deferred, StaleRunEnd } = SequenceEvent;
const { None, UpBreach, DownBreach, UpHit, DownHit } = LimitKind;

// Trace buffers reused from one symbol to the next (each thread has its own module state); results are copies.
let traceDays = new Int32Array(0);
let traceFlags = new Uint8Array(0);

/**
 * The sequential checks that need no calendar, over one symbol's present days in date order (so an unsorted file
 * needs no sort). Definitions chosen where the checks are open:
 * - the limit reference is `pre_close` when given (the symbol's first valid row included); else the previous valid
 *   close × f_prev / f_t when the adjustment factor changed (a missing adj_factor carries the previous one forward);
 *   else the previous valid close less a declared dividend, divided by a declared split ratio (the exchange's
 *   ex-rights price), so a declared action is never a breach. Prices that already carry their splits
 *   (`splitsInPrices`) are not divided again. A gap is spanned by one return;
 * - a declared action counts on every valid row that declares it (a split and a dividend on one row count two);
 * - a stale run is ≥ 5 valid rows with volume > 0 and the same close, zero-volume rows skipped, not run-breaking.
 * Judgements on the first trading days after an IPO are deferred: whether they fall in the no-limit window depends on
 * the calendar. Missing days and per-day tallies are left to placeOnCalendar.
 */
export function checkSymbolSequence(input: SequenceInput): SequenceResult {
  const { table, presentAt, validRowAt, counts, limitPercents, genericLimit } = input;
  const { open, high, low, close, volume, factor, preClose, split, dividend } = table;
  const capacity = input.maxDay - input.minDay + 1;
  const applySplits = input.splitsInPrices ? 0 : 1;
  if (traceDays.length < capacity) {
    traceDays = new Int32Array(capacity * 2);
    traceFlags = new Uint8Array(capacity * 2);
  }
  const days = traceDays;
  const flags = traceFlags;
  const events = sequenceEventBuffer(Math.max(capacity, 0) + 1);
  const { at: evAt, mask: evMask, prevUpBreach: evPrevUpBreach, runLength: evRunLength } = events;
  const { runClose: evRunClose, ref: evRef, prevFactor: evPrevFactor } = events;
  let length = 0;
  let kept = 0;
  // Valid rows on or after the listing day that may fall inside the window, plus the first that cannot (its split
  // candidate depends on the row before it).
  const ipoDeferrable = input.ipo !== null && input.ipo.freeDays > 0 ? input.ipo.freeDays + 1 : 0;
  // No listing day: one no day reaches (a small integer, as every day number is, keeps the comparison cheap).
  const listDay = input.ipo !== null ? input.ipo.listDay : DAY_LIMIT;
  let sinceListing = 0;
  let prev = -1;
  let prevFactor = 1;
  let prevUpBreach = 0;
  let runClose = NaN;
  let runLength = 0;
  let maxRun = 0;
  let actions = 0;
  let upHits = 0;
  let downHits = 0;

  // Rare outcomes become bits of the day's event record, never code of their own (see sequenceEvents.ts): every
  // operation below runs on ordinary days too, and `x ? 1 : 0` with `&` stands in for `&&` where the right-hand
  // side would otherwise run only on rare days.
  for (let day = input.minDay; day <= input.maxDay; day++) {
    if (presentAt[day] === 0) continue;
    const at = length++;
    days[at] = day;
    flags[at] = 0;
    const row = validRowAt[day]!;
    if (row < 0) continue;
    const c = close[row]!;
    const v = volume[row]!;
    const rawFactor = factor[row]!;
    const f = rawFactor === rawFactor ? rawFactor : prevFactor;
    const rawSplit = split[row]!;
    const rawDividend = dividend[row]!;
    // Compared as read (NaN when none is declared), never as the 1 and 0 that stand in for none: a comparison that
    // has only ever seen small integers is recompiled when the first real ratio arrives.
    const splits = (rawSplit > 0 ? 1 : 0) & (rawSplit !== 1 ? 1 : 0);
    const dividends = rawDividend > 0 ? 1 : 0;
    const r = (splits & applySplits) === 1 ? rawSplit : 1;
    const d = dividends === 1 ? rawDividend : 0;
    actions += splits + dividends;
    let flag: number = Valid | (v === 0 ? ZeroVolume : 0);
    let mask = 0;
    let ref = NaN;
    let upBreach = 0;
    const pre = preClose[row]!;

    // The first valid row has no row before it, but a `pre_close` still gives it a reference to be judged against.
    // The row then stands in for the missing one in the comparisons, and `hasPrevious` keeps it from counting as a
    // repeat or a factor change.
    if (prev >= 0 || pre > 0) {
      const hasPrevious = prev >= 0 ? 1 : 0;
      const before = hasPrevious === 1 ? prev : row;
      const previousClose = close[before]!;
      const identical =
        hasPrevious &
        (v > 0 ? 1 : 0) &
        (c === previousClose ? 1 : 0) &
        (v === volume[before] ? 1 : 0) &
        (open[row] === open[before] ? 1 : 0) &
        (high[row] === high[before] ? 1 : 0) &
        (low[row] === low[before] ? 1 : 0);
      const factorChanged = (hasPrevious & (f !== prevFactor ? 1 : 0)) === 1;
      const adjusted = (previousClose * prevFactor) / f;
      const exRights = (previousClose - d) / r;
      ref = pre > 0 ? pre : factorChanged ? adjusted : exRights;
      const kind = limitKind(c, ref, limitPercents[day]!, genericLimit);
      const deferrable =
        (ipoDeferrable > 0 ? 1 : 0) & (day >= listDay ? 1 : 0) & (sinceListing < ipoDeferrable ? 1 : 0);
      const counted = deferrable === 0 ? 1 : 0;
      const upHit = kind === UpHit ? counted : 0;
      const downHit = kind === DownHit ? counted : 0;
      upHits += upHit;
      downHits += downHit;
      flag |= (identical !== 0 ? Identical : 0) | (upHit !== 0 ? LimitUp : 0);
      flag |= downHit !== 0 ? LimitDown : 0;
      const breach = (kind === UpBreach ? 1 : 0) | (kind === DownBreach ? 1 : 0);
      const judged = kind !== None ? 1 : 0;
      mask =
        (identical !== 0 ? Repeated : 0) |
        (factorChanged ? FactorChange : 0) |
        ((breach & counted) !== 0 ? Breach : 0) |
        ((judged & deferrable) !== 0 ? Deferred : 0);
      upBreach = kind === UpBreach ? 1 : 0;
    }
    sinceListing += day >= listDay ? 1 : 0;

    // A stale run is counted by closes with volume; a zero-volume day neither extends nor breaks it.
    const endedClose = runClose;
    let ended = 0;
    if (v > 0) {
      const same = runLength > 0 && c === runClose;
      const longer = runLength + 1;
      ended = same ? 0 : runLength;
      runLength = same ? longer : 1;
      runClose = same ? runClose : c;
    }
    maxRun = ended > maxRun ? ended : maxRun;
    mask |= ended >= STALE_RUN_MIN ? StaleRunEnd : 0;

    evAt[kept] = at;
    evMask[kept] = mask;
    evPrevUpBreach[kept] = prevUpBreach;
    evRunLength[kept] = ended;
    evRunClose[kept] = endedClose;
    evRef[kept] = ref;
    evPrevFactor[kept] = prevFactor;
    kept += mask !== 0 ? 1 : 0;
    flags[at] = flag;
    prev = row;
    prevFactor = f;
    prevUpBreach = upBreach;
  }
  // The last run ends after the last day.
  maxRun = runLength > maxRun ? runLength : maxRun;
  evAt[kept] = -1;
  evMask[kept] = runLength >= STALE_RUN_MIN ? StaleRunEnd : 0;
  evRunLength[kept] = runLength;
  evRunClose[kept] = runClose;
  kept += evMask[kept] !== 0 ? 1 : 0;

  counts.declared_actions += actions;
  counts.limit_up_hits += upHits;
  counts.limit_down_hits += downHits;
  const deferred = countSequenceEvents(events, kept, days, input);
  const trace = { days: days.slice(0, length), flags: flags.slice(0, length) };
  return { trace, deferred, maxStaleRun: maxRun };
}
