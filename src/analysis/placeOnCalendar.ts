import type { CalendarIndex } from './analyzerSetup';
import type { DayCounts } from './dayCounts';
import { countLimitOutcome, TraceFlag, UP_BREACH, type DayTrace, type DeferredLimit } from './dayTrace';
import { flushIssueNotes, Note, noteIssue, type IssueNotes } from './issueNotes';
import { LimitKind } from './judgeLimit';
import type { SymbolCounts } from './metricNames';

export interface PlacementInput {
  readonly trace: DayTrace;
  readonly deferred: readonly DeferredLimit[];
  readonly ipo: { readonly listDay: number; readonly freeDays: number } | null;
  readonly calendar: CalendarIndex;
  readonly counts: SymbolCounts;
  readonly days: DayCounts;
  readonly notes: IssueNotes;
}

/**
 * The checks that need the calendar, on a symbol's day trace: missing days (calendar days between its first and last
 * present day with no row; a gap is a maximal run of them, `longest_gap` its length in trading days), the per-day
 * tallies behind the empty, thin and frozen days, and the deferred limit judgements, counted unless they fall in the
 * IPO's no-limit window (the listing day's trading day and the `freeDays - 1` after it). Every present day is a
 * calendar day: rows off the calendar never enter a trace.
 */
export function placeOnCalendar(input: PlacementInput): void {
  const { trace, calendar, counts, days, notes } = input;
  const { dayToIndex, firstDay } = calendar;
  const cals = new Int32Array(trace.days.length);
  let prevCal = -1;
  let prevValidCal = -1;
  for (let i = 0; i < trace.days.length; i++) {
    const cal = dayToIndex[trace.days[i]! - firstDay]!;
    cals[i] = cal;
    const gap = prevCal >= 0 ? cal - prevCal - 1 : 0;
    if (gap > 0) {
      counts.missing_days += gap;
      counts.gap_count++;
      if (gap > counts.longest_gap) counts.longest_gap = gap;
      noteIssue(notes, Note.MissingDays, -1, 0, gap, trace.days[i]);
    }
    prevCal = cal;
    const flag = trace.flags[i]!;
    if ((flag & TraceFlag.Valid) === 0) continue;
    days.valid[cal]!++;
    if ((flag & TraceFlag.ZeroVolume) !== 0) days.zeroVolume[cal]!++;
    if ((flag & TraceFlag.LimitUp) !== 0) days.limitUp[cal]!++;
    if ((flag & TraceFlag.LimitDown) !== 0) days.limitDown[cal]!++;
    if (prevValidCal === cal - 1) {
      days.adjacent[cal]!++;
      if ((flag & TraceFlag.Identical) !== 0) days.identical[cal]!++;
    }
    prevValidCal = cal;
  }
  flushIssueNotes(notes);
  if (input.deferred.length === 0 || input.ipo === null) return;

  const listIndex = calendar.indexOnOrAfter(input.ipo.listDay);
  const freeUntil = listIndex < 0 ? -1 : listIndex + input.ipo.freeDays;
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
  flushIssueNotes(notes);
}

/** Whether the trace entry `before` is the valid day right before `at` (no valid day between them). */
function isPreviousValid(trace: DayTrace, before: number, at: number): boolean {
  if (before < 0) return false;
  for (let i = before + 1; i < at; i++) if ((trace.flags[i]! & TraceFlag.Valid) !== 0) return false;
  return true;
}
