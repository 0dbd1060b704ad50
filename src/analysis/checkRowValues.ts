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
  const { day: days, open: opens, high: highs, low: lows, close: closes, volume: volumes } = table;
  const { amount: amounts } = table;
  const { amountMul, volumeMul } = units;
  const end = table.length;
  if (flaggedRows.length < end - start) flaggedRows = new Int32Array((end - start) * 2);
  const flagged = flaggedRows;
  let kept = 0;
  // Like the other per-row loops this one has no branch of its own for a rare case (see sequenceEvents.ts): every
  // comparison runs on ordinary rows too, and a row's index is written every time and kept when it failed a check.
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
    const consistent = !(high < (open > close ? open : close) || low > (open < close ? open : close) || high < low);
    const vwap = (amounts[row]! * amountMul) / (volume * volumeMul);
    const vwapOut = vwap < low * 0.99 - 0.01 || vwap > high * 1.01 + 0.01 ? 1 : 0;
    const zero = volume === 0 ? 1 : 0;
    flagged[kept] = row;
    kept += (positive ? 0 : 1) | (consistent ? 0 : 1) | (volume > 0 ? vwapOut : zero);
  }
  countRowValueIssues(table, flagged, kept, units, counts, notes);
}

// Rows that failed a check, reused from one symbol to the next (each thread has its own module state).
let flaggedRows = new Int32Array(0);

/**
 * Counts and notes the rows that failed a check, in row order, each for the first check it fails: a non-positive
 * price drops the row from everything after; an OHLC violation is not also judged on VWAP; zero volume only counts
 * when the prices are consistent.
 */
function countRowValueIssues(
  table: RowTable,
  rows: Int32Array,
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
    const volume = table.volume[row]!;
    if (!(open > 0 && high > 0 && low > 0 && close > 0)) {
      counts.non_positive_price_rows++;
      noteIssue(notes, Note.NonPositivePrice, day, line, open, high, low, close);
    } else if (high < (open > close ? open : close) || low > (open < close ? open : close) || high < low) {
      counts.ohlc_violations++;
      noteIssue(notes, Note.OhlcViolation, day, line, open, high, low, close);
    } else if (volume > 0) {
      const vwap = (table.amount[row]! * units.amountMul) / (volume * units.volumeMul);
      counts.vwap_out_of_range_rows++;
      noteIssue(notes, Note.VwapOutOfRange, day, line, vwap, low, high);
    } else {
      counts.zero_volume_rows++;
      if (open === high && high === low && low === close) {
        counts.suspended_fill_rows++;
        noteIssue(notes, Note.SuspendedFill, day, line, close);
      } else noteIssue(notes, Note.ZeroVolume, day, line);
    }
  }
}
