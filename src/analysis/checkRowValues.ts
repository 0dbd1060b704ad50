import { Note, noteIssue, type IssueNotes } from './issueNotes';
import type { SymbolCounts } from './metricNames';
import type { RowTable } from './rowTable';

/** How to turn a row's amount and volume into a VWAP in yuan per share: amount × amountMul / (volume × volumeMul). */
export interface VwapUnits {
  readonly amountMul: number;
  readonly volumeMul: number;
}

/**
 * Row checks 4–7 on the table's rows from `start` (rows already past checks 1–3; with `tradingDays`, rows whose day
 * is off the calendar are skipped), in precedence order, a row counting only for the first it fails: a non-positive
 * price drops the row from everything after; an OHLC violation is not also judged on VWAP; zero volume only counts
 * when the prices are consistent. Rows that pass check 4 become the day's valid row in `validRowAt`. One call per
 * symbol, not per row: the loop stays in one optimised function.
 */
export function checkRowValues(
  table: RowTable,
  start: number,
  tradingDays: Uint8Array | null,
  validRowAt: Int32Array,
  units: VwapUnits,
  counts: SymbolCounts,
  notes: IssueNotes,
): void {
  if (flagged.rows.length < table.length - start) flagged = createFlaggedRows((table.length - start) * 2);
  const kept = flagRowValues(table, start, tradingDays, validRowAt, units, flagged);
  countRowValueIssues(table, flagged, kept, units, counts, notes);
}

/**
 * The per-row loop of checkRowValues: marks the valid rows and keeps each row that failed a check, with the check it
 * failed first; returns how many were kept. Nothing follows the loop but the return (see sequenceEvents.ts on
 * on-stack replacement).
 */
function flagRowValues(
  table: RowTable,
  start: number,
  tradingDays: Uint8Array | null,
  validRowAt: Int32Array,
  units: VwapUnits,
  { rows: flaggedRows, checks: flaggedChecks }: FlaggedRows,
): number {
  const { day: days, open: opens, high: highs, low: lows, close: closes, volume: volumes } = table;
  const { amount: amounts } = table;
  const end = table.length;
  let kept = 0;
  // Like the other per-row loops this one has no branch of its own for a rare case (see sequenceEvents.ts): every
  // comparison runs on ordinary rows too, and a row is written every time and kept with the check it failed first.
  for (let row = start; row < end; row++) {
    const day = days[row]!;
    if (tradingDays !== null && tradingDays[day] !== 1) continue;
    const open = opens[row]!;
    const high = highs[row]!;
    const low = lows[row]!;
    const close = closes[row]!;
    const volume = volumes[row]!;
    const positive = open > 0 && high > 0 && low > 0 && close > 0;
    validRowAt[day] = positive ? row : -1;
    // Each comparison on its own: picking max(open, close) first is a branch the CPU mispredicts on every other row.
    const consistent =
      ((high < open ? 1 : 0) |
        (high < close ? 1 : 0) |
        (low > open ? 1 : 0) |
        (low > close ? 1 : 0) |
        (high < low ? 1 : 0)) ===
      0;
    const vwap = vwapOf(amounts[row]!, volume, units);
    const vwapCheck = vwap < low * 0.99 - 0.01 || vwap > high * 1.01 + 0.01 ? VWAP : PASSED;
    const volumeCheck = volume === 0 ? ZERO_VOLUME : PASSED;
    const check = positive ? (consistent ? (volume > 0 ? vwapCheck : volumeCheck) : OHLC) : NON_POSITIVE;
    flaggedRows[kept] = row;
    flaggedChecks[kept] = check;
    kept += check !== PASSED ? 1 : 0;
  }
  return kept;
}

/** amount × amountMul / (volume × volumeMul): NaN without an amount, not finite without volume. */
function vwapOf(amount: number, volume: number, units: VwapUnits): number {
  return (amount * units.amountMul) / (volume * units.volumeMul);
}

// The check a flagged row failed first; plain constants, so the loop's branches load nothing.
const PASSED = 0;
const NON_POSITIVE = 1;
const OHLC = 2;
const VWAP = 3;
const ZERO_VOLUME = 4;

/** Rows that failed a check, with the check, reused from one symbol to the next (each thread has its own). */
interface FlaggedRows {
  readonly rows: Int32Array;
  readonly checks: Uint8Array;
}

let flagged = createFlaggedRows(0);

function createFlaggedRows(capacity: number): FlaggedRows {
  return { rows: new Int32Array(capacity), checks: new Uint8Array(capacity) };
}

/**
 * Counts and notes the flagged rows in row order: a non-positive price drops the row from everything after; an
 * OHLC violation is not also judged on VWAP; zero volume only counts when the prices are consistent, and is a
 * suspended fill when all four prices are equal.
 */
function countRowValueIssues(
  table: RowTable,
  { rows, checks }: FlaggedRows,
  count: number,
  units: VwapUnits,
  counts: SymbolCounts,
  notes: IssueNotes,
): void {
  for (let i = 0; i < count; i++) {
    const row = rows[i]!;
    const day = table.day[row]!;
    const line = table.line[row]!;
    const open = table.open[row]!;
    const high = table.high[row]!;
    const low = table.low[row]!;
    const close = table.close[row]!;
    switch (checks[i]!) {
      case NON_POSITIVE:
        counts.non_positive_price_rows++;
        noteIssue(notes, Note.NonPositivePrice, day, line, open, high, low, close);
        break;
      case OHLC:
        counts.ohlc_violations++;
        noteIssue(notes, Note.OhlcViolation, day, line, open, high, low, close);
        break;
      case VWAP:
        counts.vwap_out_of_range_rows++;
        noteIssue(
          notes,
          Note.VwapOutOfRange,
          day,
          line,
          vwapOf(table.amount[row]!, table.volume[row]!, units),
          low,
          high,
        );
        break;
      default:
        counts.zero_volume_rows++;
        if (open === high && high === low && low === close) {
          counts.suspended_fill_rows++;
          noteIssue(notes, Note.SuspendedFill, day, line, close);
        } else noteIssue(notes, Note.ZeroVolume, day, line);
    }
  }
}
