import type { CalendarIndex } from './analyzerSetup';
import type { DayCounts } from './dayCounts';
import { countLimitOutcome, TraceFlag, UP_BREACH, type DayTrace, type DeferredLimit } from './dayTrace';
import { Note, noteIssue, type IssueNotes } from './issueNotes';
import { LimitKind } from './judgeLimit';
import type { SymbolCounts } from './metricNames';

/** A listing's trading days without a limit; `inferred` when the listing day is the symbol's first day of data. */
export interface IpoWindow {
  readonly listDay: number;
  readonly freeDays: number;
  readonly inferred: boolean;
}

export interface PlacementInput {
  readonly trace: DayTrace;
  readonly deferred: readonly DeferredLimit[];
  readonly ipo: IpoWindow | null;
  readonly calendar: CalendarIndex;
  readonly counts: SymbolCounts;
  readonly days: DayCounts;
  readonly notes: IssueNotes;
}

// Plain constants for the per-day loop (a property load there would need type feedback on every path).
const { Valid: VALID, ZeroVolume: ZERO_VOLUME, LimitUp: LIMIT_UP, LimitDown: LIMIT_DOWN } = TraceFlag;
const { Identical: IDENTICAL } = TraceFlag;

/**
 * The checks that need the calendar, on a symbol's day trace: missing days (calendar days between its first and last
 * present day with no row; a gap is a maximal run of them, `longest_gap` its length in trading days), the per-day
 * tallies behind the empty, thin and frozen days, and the deferred limit judgements, counted unless they fall in the
 * IPO's no-limit window (the listing day's trading day and the `freeDays - 1` after it). Every present day is a
 * calendar day: rows off the calendar never enter a trace.
 */
export function placeOnCalendar(input: PlacementInput): void {
  const length = input.trace.days.length;
  if (cals.length < length + 1) {
    cals = new Int32Array((length + 1) * 2);
    gapEnds = new Int32Array((length + 1) * 2);
  }
  const gapCount = tallyTrace(input.trace, input.calendar, input.days, cals, gapEnds);
  countGaps(gapEnds, gapCount, cals, input.trace.days, input.counts, input.notes);
  placeDeferred(input, cals);
}

// The trace's calendar indexes and the trace indexes that end a gap, reused from one symbol to the next (each thread
// has its own).
let cals = new Int32Array(0);
let gapEnds = new Int32Array(0);

/**
 * The per-day loop of placeOnCalendar: writes each trace day's calendar index to `cals`, adds the valid days to the
 * per-day tallies, and returns how many gaps there are, their ends in `gapEnds`. Nothing follows the loop but the
 * return (see sequenceEvents.ts on on-stack replacement).
 */
function tallyTrace(
  trace: DayTrace,
  calendar: CalendarIndex,
  days: DayCounts,
  cals: Int32Array,
  gapEnds: Int32Array,
): number {
  const { dayToIndex, firstDay } = calendar;
  const { valid, zeroVolume, limitUp, limitDown, adjacent, identical } = days;
  const traceDays = trace.days;
  const traceFlags = trace.flags;
  // Like the other per-day loops this one has no branch of its own for a rare case (see sequenceEvents.ts): tallies
  // add 0 or 1, and a gap's index is written every day and kept when there is one.
  let gapCount = 0;
  let prevCal = -1;
  let prevValidCal = -1;
  for (let i = 0; i < traceDays.length; i++) {
    const cal = dayToIndex[traceDays[i]! - firstDay]!;
    cals[i] = cal;
    gapEnds[gapCount] = i;
    gapCount += prevCal >= 0 && cal - prevCal > 1 ? 1 : 0;
    prevCal = cal;
    const flag = traceFlags[i]!;
    if ((flag & VALID) === 0) continue;
    valid[cal]!++;
    zeroVolume[cal]! += (flag & ZERO_VOLUME) !== 0 ? 1 : 0;
    limitUp[cal]! += (flag & LIMIT_UP) !== 0 ? 1 : 0;
    limitDown[cal]! += (flag & LIMIT_DOWN) !== 0 ? 1 : 0;
    const next = prevValidCal === cal - 1 ? 1 : 0;
    adjacent[cal]! += next;
    identical[cal]! += (flag & IDENTICAL) !== 0 ? next : 0;
    prevValidCal = cal;
  }
  return gapCount;
}

/** Counts the missing days, the gaps and the longest one, and notes each gap. */
function countGaps(
  ends: Int32Array,
  count: number,
  cals: Int32Array,
  days: Int32Array,
  counts: SymbolCounts,
  notes: IssueNotes,
): void {
  let missing = 0;
  let longest = 0;
  for (let g = 0; g < count; g++) {
    const i = ends[g]!;
    const gap = cals[i]! - cals[i - 1]! - 1;
    missing += gap;
    longest = Math.max(longest, gap);
    noteIssue(notes, Note.MissingDays, -1, 0, gap, days[i]);
  }
  counts.missing_days += missing;
  counts.gap_count += count;
  counts.longest_gap = Math.max(counts.longest_gap, longest);
}

/**
 * Counts the judgements deferred while reading, unless they fall in the IPO's no-limit window (called for every
 * symbol, so that the caller has no branch of its own that only an IPO runs).
 */
function placeDeferred(input: PlacementInput, cals: Int32Array): void {
  const { trace, calendar, counts, days, notes } = input;
  if (input.deferred.length === 0 || input.ipo === null) return;
  const listIndex = calendar.indexOnOrAfter(input.ipo.listDay);
  // A symbol whose data starts on the calendar's first day did not list there as far as the bundle can tell.
  const listed = listIndex > 0 || (listIndex === 0 && !input.ipo.inferred);
  const freeUntil = listed ? listIndex + input.ipo.freeDays : -1;
  let chain = false;
  let prevAt = -2;
  for (const item of input.deferred) {
    const cal = cals[item.at]!;
    // Right after another deferred judgement the chain of up-breaches is decided here; otherwise the row before was
    // judged while reading (a None outcome is never an up-breach).
    const prevUpBreach: boolean = isPreviousValid(trace, prevAt, item.at) ? chain : item.prevUpBreach;
    if (cal < freeUntil) chain = false;
    else {
      chain =
        countLimitOutcome(item.outcome, prevUpBreach, counts, notes, item.day, item.line, item.close) === UP_BREACH;
      if (item.outcome.kind === LimitKind.UpHit) days.limitUp[cal]!++;
      if (item.outcome.kind === LimitKind.DownHit) days.limitDown[cal]!++;
    }
    prevAt = item.at;
  }
}

/** Whether the trace entry `before` is the valid day right before `at` (no valid day between them). */
function isPreviousValid(trace: DayTrace, before: number, at: number): boolean {
  if (before < 0) return false;
  for (let i = before + 1; i < at; i++) if ((trace.flags[i]! & TraceFlag.Valid) !== 0) return false;
  return true;
}
