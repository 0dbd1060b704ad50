import { CheckCode } from './checkCodes';
import { LimitKind, type LimitOutcome } from './judgeLimit';
import type { SymbolCounts } from './metricNames';

/** Flags per present day of a symbol's trace. */
export const TraceFlag = { Valid: 1, ZeroVolume: 2, LimitUp: 4, LimitDown: 8, Identical: 16 } as const;

/**
 * What the calendar checks need to know about one symbol, once its rows are read: its present days (ascending day
 * numbers, a parse-error row's date included) with flags. Five bytes a day, so a bundle's traces can wait in memory
 * for a calendar derived from every file.
 */
export interface DayTrace {
  readonly days: Int32Array;
  readonly flags: Uint8Array;
}

/** A limit judgement that waits for the calendar: it may fall inside an IPO's no-limit window. */
export interface DeferredLimit {
  /** Index into the trace. */
  readonly at: number;
  readonly day: number;
  readonly line: number;
  readonly outcome: LimitOutcome;
  /** Whether the valid row before was an up-breach, as judged while reading. */
  readonly prevUpBreach: boolean;
}

export type Sampler = (check: CheckCode, day: number, line: number, detail: string) => void;

/**
 * Counts one judged close. Returns the trace flag for a limit hit (0 otherwise) and whether it was an up-breach; a
 * down-breach right after an up-breach is the spike's reversal and never a split candidate.
 */
export function countLimitOutcome(
  outcome: LimitOutcome,
  prevUpBreach: boolean,
  counts: SymbolCounts,
  sample: Sampler,
  day: number,
  line: number,
): { flag: number; upBreach: boolean } {
  switch (outcome.kind) {
    case LimitKind.None:
      return { flag: 0, upBreach: false };
    case LimitKind.UpBreach:
      counts.limit_breaches++;
      sample(CheckCode.LimitBreach, day, line, outcome.detail);
      return { flag: 0, upBreach: true };
    case LimitKind.DownBreach:
      counts.limit_breaches++;
      sample(CheckCode.LimitBreach, day, line, outcome.detail);
      if (!prevUpBreach && outcome.nearSplit) {
        counts.split_candidates++;
        sample(CheckCode.SplitCandidate, day, line, outcome.detail);
      }
      return { flag: 0, upBreach: false };
    case LimitKind.UpHit:
      counts.limit_up_hits++;
      return { flag: TraceFlag.LimitUp, upBreach: false };
    case LimitKind.DownHit:
      counts.limit_down_hits++;
      return { flag: TraceFlag.LimitDown, upBreach: false };
  }
}
