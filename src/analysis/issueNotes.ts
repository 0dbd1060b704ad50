import { CheckCode, ISSUE_SAMPLES_PER_CHECK } from './checkCodes';
import type { Sampler } from './dayTrace';
import {
  breachDetail,
  duplicateDetail,
  factorChangeDetail,
  fillDetail,
  missingDaysDetail,
  ohlcDetail,
  staleRunDetail,
  vwapDetail,
} from './issueDetails';

/**
 * The issues a per-row loop can meet, numbered for a typed array. Each note keeps up to four numbers, the ones its
 * detail text is made from (listed per kind).
 */
export const Note = {
  /** open, high, low, close */
  NonPositivePrice: 0,
  /** open, high, low, close */
  OhlcViolation: 1,
  /** vwap, low, high */
  VwapOutOfRange: 2,
  /** close */
  SuspendedFill: 3,
  ZeroVolume: 4,
  RepeatedRow: 5,
  /** previous factor, factor */
  AdjFactorChange: 6,
  /** generic (1/0), up (1/0), bound, close */
  LimitBreach: 7,
  /** generic (1/0), up (1/0), bound, close */
  SplitCandidate: 8,
  /** rows, close, day number the run ends before */
  StaleRun: 9,
  /** trading days missing, day number they end before */
  MissingDays: 10,
  ParseError: 11,
  /** line of the first row that day */
  DuplicateDate: 12,
  /** line of the first row that day */
  ConflictingDuplicate: 13,
  OffCalendar: 14,
  /** A qlib day with some of its required values missing: a parse error */
  IncompleteDay: 15,
} as const;
export type Note = (typeof Note)[keyof typeof Note];

const NOTE_KINDS = 16;
const VALUES_PER_NOTE = 4;
// A kind is noted at most as often as the sampler keeps a check per symbol, so the buffers never grow.
const CAPACITY = NOTE_KINDS * ISSUE_SAMPLES_PER_CHECK;

/**
 * Issues the checks met, written down as numbers and handed to the sampler, with their texts, when the analyzer
 * flushes them after each stage of a symbol. A sampler call or a detail text in a per-row loop got inlined by V8 once
 * its rare branch had run, and the loop then ran markedly slower for every row (measured: the later symbols of a 5
 * M-row bundle analysed 2–3× slower than the first); a note is a few typed-array stores, taken after the loop from its
 * events. Notes keep their order, so the samples are the same as if taken at once, provided nothing samples directly
 * between a note and the flush.
 */
export interface IssueNotes {
  /** Where the notes go on a flush; issues met outside a loop are sampled with it directly. */
  readonly sample: Sampler;
  count: number;
  /** Per kind: notes taken since the last flush (more than the sampler keeps would be dropped anyway). */
  readonly taken: Int32Array;
  /** Per note: kind, day number, line. */
  readonly ints: Int32Array;
  readonly values: Float64Array;
}

export function createIssueNotes(sample: Sampler): IssueNotes {
  return {
    sample,
    count: 0,
    taken: new Int32Array(NOTE_KINDS),
    ints: new Int32Array(CAPACITY * 3),
    values: new Float64Array(CAPACITY * VALUES_PER_NOTE),
  };
}

/** Notes one issue (the counts are the caller's: they are exact, notes are only the samples' material). */
export function noteIssue(notes: IssueNotes, kind: Note, day: number, line: number, a = 0, b = 0, c = 0, d = 0): void {
  const taken = notes.taken[kind]!;
  if (taken >= ISSUE_SAMPLES_PER_CHECK) return;
  notes.taken[kind] = taken + 1;
  const at = notes.count++;
  notes.ints[at * 3] = kind;
  notes.ints[at * 3 + 1] = day;
  notes.ints[at * 3 + 2] = line;
  const v = at * VALUES_PER_NOTE;
  notes.values[v] = a;
  notes.values[v + 1] = b;
  notes.values[v + 2] = c;
  notes.values[v + 3] = d;
}

/** Hands every note to the sampler in the order taken, and empties the buffer. */
export function flushIssueNotes(notes: IssueNotes): void {
  const { ints, values, sample } = notes;
  for (let at = 0; at < notes.count; at++) {
    const kind = ints[at * 3]! as Note;
    const v = at * VALUES_PER_NOTE;
    const [check, detail] = describe(kind, values[v]!, values[v + 1]!, values[v + 2]!, values[v + 3]!);
    sample(check, ints[at * 3 + 1]!, ints[at * 3 + 2]!, detail);
  }
  notes.count = 0;
  notes.taken.fill(0);
}

function describe(kind: Note, a: number, b: number, c: number, d: number): [CheckCode, string] {
  switch (kind) {
    case Note.NonPositivePrice:
      return [CheckCode.NonPositivePrice, ohlcDetail(a, b, c, d)];
    case Note.OhlcViolation:
      return [CheckCode.OhlcViolation, ohlcDetail(a, b, c, d)];
    case Note.VwapOutOfRange:
      return [CheckCode.VwapOutOfRange, vwapDetail(a, b, c)];
    case Note.SuspendedFill:
      return [CheckCode.SuspendedFill, fillDetail(a)];
    case Note.ZeroVolume:
      return [CheckCode.ZeroVolume, 'volume 0'];
    case Note.RepeatedRow:
      return [CheckCode.RepeatedRow, 'same o,h,l,c,v as the previous row'];
    case Note.AdjFactorChange:
      return [CheckCode.AdjFactorChange, factorChangeDetail(a, b)];
    case Note.LimitBreach:
      return [CheckCode.LimitBreach, breachDetail(a === 1, b === 1, c, d)];
    case Note.SplitCandidate:
      return [CheckCode.SplitCandidate, breachDetail(a === 1, b === 1, c, d)];
    case Note.StaleRun:
      return [CheckCode.StaleRun, staleRunDetail(a, b, c)];
    case Note.MissingDays:
      return [CheckCode.MissingDays, missingDaysDetail(a, b)];
    case Note.ParseError:
      return [CheckCode.ParseError, 'wrong column count, bad date or non-numeric required field'];
    case Note.DuplicateDate:
      return [CheckCode.DuplicateDate, duplicateDetail(false, a)];
    case Note.ConflictingDuplicate:
      return [CheckCode.ConflictingDuplicate, duplicateDetail(true, a)];
    case Note.OffCalendar:
      return [CheckCode.OffCalendar, 'date is not a trading day'];
    case Note.IncompleteDay:
      return [CheckCode.ParseError, 'some of open, high, low, close and volume have no value'];
  }
}
