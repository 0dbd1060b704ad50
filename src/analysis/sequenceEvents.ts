import { countLimitOutcome, type DeferredLimit } from './dayTrace';
import { Note, noteIssue, type IssueNotes } from './issueNotes';
import { judgeLimit } from './judgeLimit';
import type { SymbolCounts } from './metricNames';
import type { RowTable } from './rowTable';

/** What a day of the sequence loop met that needs counting or a sample, as bits of a record's mask. */
export const SequenceEvent = { Repeated: 1, FactorChange: 2, Breach: 4, Deferred: 8, StaleRunEnd: 16 } as const;

/**
 * The rare outcomes of checkSymbolSequence's per-day loop, a record per day that had any, as parallel typed arrays
 * reused from one symbol to the next. The loop writes every day's record and keeps it only when its mask is not zero,
 * so none of its branches runs code the rest of it never ran: V8 throws away a loop's optimised code the first time
 * such a branch runs, and recompiles it. The counting and sampling happen here, after the loop.
 *
 * On-stack replacement: V8 compiles a long loop while its first call is still running, before the code after the loop
 * has ever run. That code then deoptimises on every later call that reaches it, and V8 keeps re-entering the same
 * on-stack code (placeOnCalendar and checkRowValues did so 991 times on a 5 M-row bundle). Their loops are therefore
 * functions of their own with nothing after the loop but the return; the caller does the rest.
 */
export interface SequenceEvents {
  /** Index of the day in the symbol's trace (-1 for the run that ends after the last day). */
  readonly at: Int32Array;
  readonly mask: Int32Array;
  /** 1 when the valid row before was an up-breach. */
  readonly prevUpBreach: Int32Array;
  /** Length of the run of equal closes that ended before this day (0 when none ended). */
  readonly runLength: Int32Array;
  readonly runClose: Float64Array;
  /** The close's limit reference. */
  readonly ref: Float64Array;
  /** The adjustment factor of the valid row before (carried forward over missing ones). */
  readonly prevFactor: Float64Array;
}

let buffer = createSequenceEvents(0);

/** This thread's event buffer, with room for at least `days` records. */
export function sequenceEventBuffer(days: number): SequenceEvents {
  if (buffer.mask.length < days) buffer = createSequenceEvents(days * 2);
  return buffer;
}

function createSequenceEvents(capacity: number): SequenceEvents {
  return {
    at: new Int32Array(capacity),
    mask: new Int32Array(capacity),
    prevUpBreach: new Int32Array(capacity),
    runLength: new Int32Array(capacity),
    runClose: new Float64Array(capacity),
    ref: new Float64Array(capacity),
    prevFactor: new Float64Array(capacity),
  };
}

export interface EventContext {
  readonly table: RowTable;
  /** By day number: the valid row that day. */
  readonly validRowAt: Int32Array;
  /** The day after the last one the loop ran over. */
  readonly maxDay: number;
  readonly limitPercents: Float64Array;
  readonly genericLimit: boolean;
  readonly counts: SymbolCounts;
  readonly notes: IssueNotes;
}

/**
 * Counts and notes the first `count` records in the order the loop met them (within a day: repeated row, factor
 * change, limit judgement, then the run that ended before it; a record's `at` indexes `traceDays`), and returns the
 * judgements left for the calendar.
 */
export function countSequenceEvents(
  events: SequenceEvents,
  count: number,
  traceDays: Int32Array,
  context: EventContext,
): DeferredLimit[] {
  const { table, validRowAt, counts, notes, limitPercents, genericLimit } = context;
  const deferred: DeferredLimit[] = [];
  for (let i = 0; i < count; i++) {
    const mask = events.mask[i]!;
    const at = events.at[i]!;
    const day = at >= 0 ? traceDays[at]! : context.maxDay + 1;
    const row = at >= 0 ? validRowAt[day]! : -1;
    const line = row >= 0 ? table.line[row]! : 0;
    if ((mask & SequenceEvent.Repeated) !== 0) {
      counts.repeated_rows++;
      noteIssue(notes, Note.RepeatedRow, day, line);
    }
    if ((mask & SequenceEvent.FactorChange) !== 0) {
      counts.adj_factor_changes++;
      const prevFactor = events.prevFactor[i]!;
      const factor = table.factor[row]!;
      // A missing factor carries the previous one, so a change is always to a factor the row has.
      noteIssue(notes, Note.AdjFactorChange, day, line, prevFactor, factor === factor ? factor : prevFactor);
    }
    if ((mask & (SequenceEvent.Breach | SequenceEvent.Deferred)) !== 0) {
      const close = table.close[row]!;
      const outcome = judgeLimit(close, events.ref[i]!, limitPercents[day]!, genericLimit);
      const prevUpBreach = events.prevUpBreach[i] === 1;
      if ((mask & SequenceEvent.Deferred) !== 0) {
        deferred.push({ at, day, line, close, outcome, prevUpBreach });
      } else countLimitOutcome(outcome, prevUpBreach, counts, notes, day, line, close);
    }
    if ((mask & SequenceEvent.StaleRunEnd) !== 0) {
      counts.stale_runs++;
      noteIssue(notes, Note.StaleRun, -1, 0, events.runLength[i], events.runClose[i], day);
    }
  }
  return deferred;
}
