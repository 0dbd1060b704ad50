import { flushIssueNotes, Note, noteIssue, type IssueNotes } from './issueNotes';
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
  const { day: days, line: lines, open: opens, high: highs, low: lows, close: closes, volume: volumes } = table;
  const { amount: amounts } = table;
  const { amountMul, volumeMul } = units;
  for (let row = start; row < table.length; row++) {
    const day = days[row]!;
    if (tradingDays !== null && tradingDays[day] !== 1) continue;
    const open = opens[row]!;
    const high = highs[row]!;
    const low = lows[row]!;
    const close = closes[row]!;
    const volume = volumes[row]!;
    if (!(open > 0 && high > 0 && low > 0 && close > 0)) {
      counts.non_positive_price_rows++;
      noteIssue(notes, Note.NonPositivePrice, day, lines[row]!, open, high, low, close);
      continue;
    }
    validRowAt[day] = row;
    if (high < (open > close ? open : close) || low > (open < close ? open : close) || high < low) {
      counts.ohlc_violations++;
      noteIssue(notes, Note.OhlcViolation, day, lines[row]!, open, high, low, close);
    } else if (volume > 0) {
      const amount = amounts[row]!;
      if (amount === amount) {
        const vwap = (amount * amountMul) / (volume * volumeMul);
        if (vwap < low * 0.99 - 0.01 || vwap > high * 1.01 + 0.01) {
          counts.vwap_out_of_range_rows++;
          noteIssue(notes, Note.VwapOutOfRange, day, lines[row]!, vwap, low, high);
        }
      }
    } else if (volume === 0) {
      counts.zero_volume_rows++;
      if (open === high && high === low && low === close) {
        counts.suspended_fill_rows++;
        noteIssue(notes, Note.SuspendedFill, day, lines[row]!, close);
      } else noteIssue(notes, Note.ZeroVolume, day, lines[row]!);
    }
  }
  flushIssueNotes(notes);
}
