import type { CheckCode } from './checkCodes';
import { noteIssue, Note, type IssueNotes } from './issueNotes';
import { LimitKind, type LimitOutcome } from './judgeLimit';
import type { SymbolCounts } from './metricNames';

/** Flags per present day of a symbol's trace. */
export const TraceFlag = { Valid: 1, ZeroVolume: 2, LimitUp: 4, LimitDown: 8, Identical: 16 } as const;

/**
 * What the calendar checks need to know about one symbol, once its rows are read: its present days (ascending day
 * numbers, a parse-error row's date included) with flags. Five bytes a day, packed to three (PackedTrace) while it
 * waits in memory for a calendar derived from every file.
 */
export interface DayTrace {
  readonly days: Int32Array;
  readonly flags: Uint8Array;
}

/**
 * A trace as it waits for a derived calendar: its days as offsets from the first (day numbers span fewer than 65,536
 * days, see DAY_LIMIT), three bytes a day instead of five.
 */
export interface PackedTrace {
  readonly first: number;
  readonly offsets: Uint16Array;
  readonly flags: Uint8Array;
}

export function packTrace(trace: DayTrace): PackedTrace {
  const { days, flags } = trace;
  const first = days.length > 0 ? days[0]! : 0;
  const offsets = new Uint16Array(days.length);
  for (let i = 0; i < days.length; i++) offsets[i] = days[i]! - first;
  return { first, offsets, flags };
}

export function unpackTrace(packed: PackedTrace): DayTrace {
  const { first, offsets, flags } = packed;
  const days = new Int32Array(offsets.length);
  for (let i = 0; i < offsets.length; i++) days[i] = first + offsets[i]!;
  return { days, flags };
}

/** A limit judgement that waits for the calendar: it may fall inside an IPO's no-limit window. */
export interface DeferredLimit {
  /** Index into the trace. */
  readonly at: number;
  readonly day: number;
  readonly line: number;
  readonly close: number;
  readonly outcome: LimitOutcome;
  /** Whether the valid row before was an up-breach, as judged while reading. */
  readonly prevUpBreach: boolean;
}

export type Sampler = (check: CheckCode, day: number, line: number, detail: string) => void;

/** Returned with a limit-hit trace flag by countLimitOutcome when the close was an up-breach. */
export const UP_BREACH = 256;

/**
 * Counts one judged close. Returns the trace flag for a limit hit, or UP_BREACH (a number, so the hot path allocates
 * nothing); a down-breach right after an up-breach is the spike's reversal and never a split candidate.
 */
export function countLimitOutcome(
  outcome: LimitOutcome,
  prevUpBreach: boolean,
  counts: SymbolCounts,
  notes: IssueNotes,
  day: number,
  line: number,
  close: number,
): number {
  switch (outcome.kind) {
    case LimitKind.None:
      return 0;
    case LimitKind.UpBreach:
      counts.limit_breaches++;
      noteIssue(notes, Note.LimitBreach, day, line, outcome.generic ? 1 : 0, 1, outcome.bound, close);
      return UP_BREACH;
    case LimitKind.DownBreach:
      counts.limit_breaches++;
      noteIssue(notes, Note.LimitBreach, day, line, outcome.generic ? 1 : 0, 0, outcome.bound, close);
      if (!prevUpBreach && outcome.nearSplit) {
        counts.split_candidates++;
        noteIssue(notes, Note.SplitCandidate, day, line, outcome.generic ? 1 : 0, 0, outcome.bound, close);
      }
      return 0;
    case LimitKind.UpHit:
      counts.limit_up_hits++;
      return TraceFlag.LimitUp;
    case LimitKind.DownHit:
      counts.limit_down_hits++;
      return TraceFlag.LimitDown;
  }
}
