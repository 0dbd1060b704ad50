import { CheckCode } from './checkCodes';
import type { DayCounts } from './dayCounts';
import { GENERIC_BREACH_RATIO, limitPriceFen } from './limitRules';
import type { SymbolMetrics } from './metricNames';
import type { RowTable } from './rowTable';

export interface SequenceInput {
  readonly table: RowTable;
  readonly presentAt: Uint8Array;
  readonly validRowAt: Int32Array;
  readonly minPresent: number;
  readonly maxPresent: number;
  /** Limit percent per calendar index (NaN: no limit rule that day). */
  readonly limitPercents: Float64Array;
  /** Non-A-share symbol: a breach is |return| > 50% and there are no limit hits. */
  readonly genericLimit: boolean;
  /** Calendar index before which the IPO no-limit window applies; -1 for none. */
  readonly ipoFreeUntil: number;
  readonly metrics: SymbolMetrics;
  readonly days: DayCounts;
  readonly sample: (check: CheckCode, day: number, line: number, detail: string) => void;
}

// Ratios a split or bonus issue commonly uses; a down-breach within 3% of one is a split candidate.
const SPLIT_RATIOS = [1.1, 1.2, 1.25, 1.3, 1.4, 1.5, 1.6, 1.8, 2, 2.5, 3, 4, 5, 10];
const STALE_RUN_MIN = 5;

/**
 * The sequential checks over one symbol's present days in calendar order. Definitions chosen where §3c is open:
 * - missing days are calendar days in [first present, last present] with no row at all (a parse-error row's date
 *   counts as present); a gap is a maximal run of them, `longest_gap` its length in trading days;
 * - the limit reference is `pre_close` when given, else the previous valid row's close × f_prev / f_t (a missing
 *   adj_factor carries the previous one forward), so a gap is spanned by one return;
 * - a limit hit is a close within 0.05 fen of the limit price; a breach is more than half a fen beyond it;
 * - a stale run is ≥ 5 valid rows with volume > 0 and the same close, zero-volume rows skipped, not run-breaking.
 * Returns the longest run of equal closes.
 */
export function checkSymbolSequence(input: SequenceInput): number {
  const { table, presentAt, validRowAt, metrics, days, sample, limitPercents } = input;
  const { open, high, low, close, volume, factor, preClose, line } = table;
  const { valid: dayValid, zeroVolume: dayZeroVolume, adjacent: dayAdjacent, identical: dayIdentical } = days;
  const { genericLimit, ipoFreeUntil } = input;
  let gap = 0;
  let prev = -1;
  let prevCal = -1;
  let prevFactor = 1;
  let prevUpBreach = false;
  let runClose = NaN;
  let runLength = 0;
  let maxRun = 0;

  for (let cal = input.minPresent; cal <= input.maxPresent; cal++) {
    if (presentAt[cal] === 0) {
      metrics.missing_days++;
      gap++;
      continue;
    }
    if (gap > 0) {
      closeGap(gap, cal);
      gap = 0;
    }
    const row = validRowAt[cal]!;
    if (row < 0) continue;
    const c = close[row]!;
    const v = volume[row]!;
    const rawFactor = factor[row]!;
    const f = rawFactor === rawFactor ? rawFactor : prevFactor;
    dayValid[cal]!++;
    if (v === 0) dayZeroVolume[cal]!++;
    let upBreach = false;

    if (prev >= 0) {
      const identical =
        v > 0 &&
        c === close[prev] &&
        v === volume[prev] &&
        open[row] === open[prev] &&
        high[row] === high[prev] &&
        low[row] === low[prev];
      if (identical) {
        metrics.repeated_rows++;
        sample(CheckCode.RepeatedRow, table.day[row]!, line[row]!, 'same o,h,l,c,v as the previous row');
      }
      if (prevCal === cal - 1) {
        dayAdjacent[cal]!++;
        if (identical) dayIdentical[cal]!++;
      }
      if (f !== prevFactor) {
        metrics.adj_factor_changes++;
        sample(CheckCode.AdjFactorChange, table.day[row]!, line[row]!, `adj_factor ${prevFactor} -> ${f}`);
      }
      const pre = preClose[row]!;
      const ref = pre > 0 ? pre : (close[prev]! * prevFactor) / f;
      const percent = limitPercents[cal]!;
      if (genericLimit) {
        const ret = c / ref - 1;
        if (ret > GENERIC_BREACH_RATIO || ret < -GENERIC_BREACH_RATIO) {
          metrics.limit_breaches++;
          sample(CheckCode.LimitBreach, table.day[row]!, line[row]!, `return ${ret} beyond ±50%`);
        }
      } else if (percent === percent && cal >= ipoFreeUntil) {
        const refFen = ref * 100;
        const closeFen = c * 100;
        const upFen = limitPriceFen(refFen, percent, 1);
        const downFen = limitPriceFen(refFen, percent, -1);
        if (closeFen > upFen + 0.5) {
          upBreach = true;
          metrics.limit_breaches++;
          sample(CheckCode.LimitBreach, table.day[row]!, line[row]!, `close ${c} above limit ${upFen / 100}`);
        } else if (closeFen < downFen - 0.5) {
          metrics.limit_breaches++;
          sample(CheckCode.LimitBreach, table.day[row]!, line[row]!, `close ${c} below limit ${downFen / 100}`);
          // A spike's reversal looks like a 1.5:1 split; only count it when the previous row was not an up-breach.
          if (!prevUpBreach && nearSplitRatio(ref / c)) {
            metrics.split_candidates++;
            sample(CheckCode.SplitCandidate, table.day[row]!, line[row]!, `ref/close ${ref / c}`);
          }
        } else if (Math.abs(closeFen - upFen) < 0.05) {
          metrics.limit_up_hits++;
          days.limitUp[cal]!++;
        } else if (Math.abs(closeFen - downFen) < 0.05) {
          metrics.limit_down_hits++;
          days.limitDown[cal]!++;
        }
      }
    }

    if (v > 0) {
      if (runLength > 0 && c === runClose) runLength++;
      else {
        endRun(cal);
        runClose = c;
        runLength = 1;
      }
    }
    prev = row;
    prevCal = cal;
    prevFactor = f;
    prevUpBreach = upBreach;
  }
  endRun(input.maxPresent);
  return maxRun;

  function closeGap(length: number, cal: number): void {
    metrics.gap_count++;
    if (length > metrics.longest_gap) metrics.longest_gap = length;
    sample(CheckCode.MissingDays, -1, 0, `${length} trading day(s) missing before calendar index ${cal}`);
  }

  function endRun(cal: number): void {
    if (runLength > maxRun) maxRun = runLength;
    if (runLength >= STALE_RUN_MIN) {
      metrics.stale_runs++;
      sample(CheckCode.StaleRun, -1, 0, `${runLength} rows with close ${runClose} ending before calendar index ${cal}`);
    }
  }
}

function nearSplitRatio(ratio: number): boolean {
  for (const candidate of SPLIT_RATIOS) if (Math.abs(ratio / candidate - 1) <= 0.03) return true;
  return false;
}
