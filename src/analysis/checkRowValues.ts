import { CheckCode } from './checkCodes';
import type { Sampler } from './dayTrace';
import type { SymbolCounts } from './metricNames';
import type { RowTable } from './rowTable';

/** How to turn a row's amount and volume into a VWAP in yuan per share: amount × amountMul / (volume × volumeMul). */
export interface VwapUnits {
  readonly amountMul: number;
  readonly volumeMul: number;
}

/**
 * Row checks 4–7 on a row that is on the calendar and not a duplicate, in precedence order (a row counts only for the
 * first it fails): a non-positive price drops the row from everything after; an OHLC violation is not also judged on
 * VWAP; zero volume only counts when the prices are consistent. Returns whether the row is valid for the sequential
 * checks (it passed check 4).
 */
export function checkRowValues(
  table: RowTable,
  row: number,
  units: VwapUnits,
  counts: SymbolCounts,
  sample: Sampler,
): boolean {
  const day = table.day[row]!;
  const line = table.line[row]!;
  const open = table.open[row]!;
  const high = table.high[row]!;
  const low = table.low[row]!;
  const close = table.close[row]!;
  const volume = table.volume[row]!;
  if (!(open > 0 && high > 0 && low > 0 && close > 0)) {
    counts.non_positive_price_rows++;
    sample(CheckCode.NonPositivePrice, day, line, `o=${open} h=${high} l=${low} c=${close}`);
    return false;
  }
  if (high < (open > close ? open : close) || low > (open < close ? open : close) || high < low) {
    counts.ohlc_violations++;
    sample(CheckCode.OhlcViolation, day, line, `o=${open} h=${high} l=${low} c=${close}`);
  } else if (volume > 0) {
    const amount = table.amount[row]!;
    if (amount === amount) {
      const vwap = (amount * units.amountMul) / (volume * units.volumeMul);
      if (vwap < low * 0.99 - 0.01 || vwap > high * 1.01 + 0.01) {
        counts.vwap_out_of_range_rows++;
        sample(CheckCode.VwapOutOfRange, day, line, `vwap ${vwap} outside [${low}, ${high}]`);
      }
    }
  } else if (volume === 0) {
    counts.zero_volume_rows++;
    if (open === high && high === low && low === close) {
      counts.suspended_fill_rows++;
      sample(CheckCode.SuspendedFill, day, line, `o=h=l=c=${close}, volume 0`);
    } else sample(CheckCode.ZeroVolume, day, line, 'volume 0');
  }
  return true;
}
