import { formatDayNumber, weekdayOf } from '../../src/analysis/dayNumbers';
import { createEmptySymbolCounts, type SymbolCounts } from '../../src/analysis/metricNames';
import type { Board } from '../../src/analysis/symbolCodes';
import { createPrng } from './createPrng';
import type { DefectFamily } from './defectFamilies';
import { pickDefectAnchor } from './planSymbolDefect';
import { simulateBars, type Bar } from './simulateBars';

export interface SymbolSpec {
  readonly index: number;
  readonly symbol: string;
  readonly board: Board;
  readonly isSt: boolean;
  readonly family: DefectFamily | null;
}

export interface MarketDays {
  /** Calendar index deleted from every listed symbol (kept in calendar.csv), or -1. */
  readonly emptyDay: number;
  /** Calendar index whose rows repeat the previous day's, or -1. */
  readonly frozenDay: number;
  /** Whether this symbol takes part in the frozen day (≥ 95% of symbols do). */
  readonly copiesFrozenDay: boolean;
}

export interface GeneratedSymbol {
  readonly symbol: string;
  readonly csv: string;
  /**
   * Expected counts, from bookkeeping during injection; missing days and gaps are left to the caller, which knows the
   * calendar the analysis will use (`presentCals` says which days have a row).
   */
  readonly metrics: SymbolCounts;
  /** The family actually injected (null when none, or when the symbol had no room for it). */
  readonly family: DefectFamily | null;
  readonly firstCal: number;
  readonly lastCal: number;
  /** Calendar indexes with a row that passes row checks 1–4 (what a day's symbol count counts). */
  readonly validCals: readonly number[];
  /** Valid rows that copy the previous calendar day's (o,h,l,c,v) with volume > 0. */
  readonly identicalCals: readonly number[];
  /** Calendar indexes with any row on the calendar (a parse-error row included). */
  readonly presentCals: readonly number[];
  /**
   * The bars as a per-day format (qlib binary) holds them: by calendar index from firstCal, null where no row; a
   * parse-error row keeps its day with NaN for the values its line lost.
   */
  readonly bars: readonly (Bar | null)[];
}

/** Rows (offsets from the anchor) that a recipe removes, flattens, copies or invalidates: planned with zero return. */
const ZERO_RETURN_OFFSETS: Partial<Record<DefectFamily, readonly number[]>> = {
  missing_row: [0],
  non_positive_price: [0],
  unadjusted_split: [0],
  adjusted_split: [0],
  missing_block: [0, 1, 2],
  declared_split: [0],
  declared_dividend: [0],
  suspension_fill: [0, 1, 2],
  stale_run: [1, 2, 3, 4],
  spike: [0, 1],
  parse_errors: [0, 4],
};

export const CSV_HEADER = 'date,open,high,low,close,volume,amount,adj_factor';
// zipline csvdir's columns for declared corporate actions: 0 and 1 on the rows that declare none.
const ACTION_COLUMNS = ',dividend,split';
/** A declared dividend takes this share of the previous close: beyond every board's limit, so undeclared it breaches. */
const DIVIDEND_SHARE = 0.4;

/** Plans, simulates and injects one symbol; every defect updates `metrics` as it is applied. */
export function generateSymbol(
  spec: SymbolSpec,
  seed: number,
  calendar: Int32Array,
  market: MarketDays,
): GeneratedSymbol {
  const rng = createPrng(seed, spec.index);
  const m = createEmptySymbolCounts();
  const count = calendar.length;
  const first = spec.family === 'late_listed' ? Math.min(40, Math.floor(count / 4)) : 0;
  const last = spec.family === 'delisted' ? count - 1 - Math.min(30, Math.floor(count / 4)) : count - 1;
  const avoid = [market.emptyDay, market.frozenDay].filter((day) => day >= 0);
  const t =
    spec.family === null
      ? -1
      : pickDefectAnchor({
          rng,
          family: spec.family,
          board: spec.board,
          isSt: spec.isSt,
          calendar,
          first,
          last,
          avoid,
        });
  const family =
    t >= 0 || spec.family === 'delisted' || spec.family === 'late_listed' || spec.family === 'unsorted_file'
      ? spec.family
      : null;

  // Plan: rows that will be removed, flattened, copied or invalidated get a zero return.
  const zeroReturn = new Set<number>();
  const forced = new Map<number, 'up' | 'down'>();
  const emptyActive = market.emptyDay > first && market.emptyDay < last;
  const frozenActive = market.copiesFrozenDay && market.frozenDay - 1 >= first && market.frozenDay <= last;
  if (emptyActive) zeroReturn.add(market.emptyDay);
  if (frozenActive) zeroReturn.add(market.frozenDay);
  for (const offset of family === null ? [] : (ZERO_RETURN_OFFSETS[family] ?? [])) zeroReturn.add(t + offset);
  if (family === 'limit_hits') forced.set(t, 'up').set(t + 5, 'down');
  const bars = simulateBars(rng, spec.board, spec.isSt, calendar, first, last, { zeroReturn, forced });
  const bar = (cal: number): Bar => bars[cal - first]!;

  const deleted = new Set<number>();
  const invalid = new Set<number>();
  const identical = new Set<number>();
  const override = new Map<number, string>();
  // Per-day values a parse-error line lost (the factor stays: qlib's prices are derived with it).
  const lost = new Map<number, readonly (keyof Bar)[]>();
  const extraAfter = new Map<number, string>();
  let offCalendar: { afterDay: number; line: string } | null = null;
  const actions = new Map<number, { dividend: number; split: number }>();
  const copyBar = (from: Bar, cal: number): Bar => ({ ...from, cal });

  if (emptyActive) deleted.add(market.emptyDay);
  if (frozenActive) {
    bars[market.frozenDay - first] = copyBar(bar(market.frozenDay - 1), market.frozenDay);
    identical.add(market.frozenDay);
    m.repeated_rows++;
  }
  switch (family) {
    case 'missing_row':
      deleted.add(t);
      break;
    case 'missing_block':
      [t, t + 1, t + 2].forEach((cal) => deleted.add(cal));
      break;
    case 'exact_duplicate':
      extraAfter.set(t, formatBar(bar(t), calendar));
      m.duplicate_rows++;
      break;
    case 'conflicting_duplicate':
      extraAfter.set(t, formatBar({ ...bar(t), close: bar(t).close + 10 }, calendar));
      m.duplicate_rows++;
      m.conflicting_duplicates++;
      break;
    case 'ohlc_violation': {
      const b = bar(t);
      [b.high, b.low] = [b.low, b.high];
      m.ohlc_violations++;
      break;
    }
    case 'non_positive_price':
      bar(t).low = 0;
      invalid.add(t);
      m.non_positive_price_rows++;
      break;
    case 'suspension_fill':
      for (const cal of [t, t + 1, t + 2]) {
        const b = bar(cal);
        b.open = b.high = b.low = b.close;
        b.volume = b.amount = 0;
      }
      m.zero_volume_rows += 3;
      m.suspended_fill_rows += 3;
      break;
    case 'zero_volume_trade':
      bar(t).volume = bar(t).amount = 0;
      m.zero_volume_rows++;
      break;
    case 'stale_run':
      for (let k = 1; k <= 4; k++) {
        bars[t + k - first] = copyBar(bar(t), t + k);
        identical.add(t + k);
      }
      m.repeated_rows += 4;
      m.stale_runs++;
      break;
    case 'spike': {
      const b = bar(t);
      b.close = Math.round(b.close * 1.5);
      b.high = Math.max(b.high, b.close);
      m.limit_breaches += 2; // the jump up, and the return to the old level the next day
      break;
    }
    case 'unadjusted_split':
    case 'adjusted_split':
      for (const b of bars) {
        if (b.cal < t) continue;
        b.open /= 2;
        b.high /= 2;
        b.low /= 2;
        b.close /= 2;
        b.volume *= 2;
        if (family === 'adjusted_split') b.factor *= 2;
      }
      if (family === 'adjusted_split') m.adj_factor_changes++;
      else {
        m.limit_breaches++;
        m.split_candidates++;
      }
      break;
    case 'declared_split':
      for (const b of bars) {
        if (b.cal < t) continue;
        b.open /= 2;
        b.high /= 2;
        b.low /= 2;
        b.close /= 2;
        b.volume *= 2;
      }
      actions.set(t, { dividend: 0, split: 2 });
      m.declared_actions++;
      break;
    case 'declared_dividend': {
      // Prices from the ex-date scale down by what the dividend takes from the previous close (returns unchanged),
      // so the row's close sits exactly on its ex-rights reference: previous close less the dividend.
      const previous = bar(t - 1).close;
      const dividend = previous - Math.round(previous * (1 - DIVIDEND_SHARE));
      const ratio = (previous - dividend) / previous;
      for (const b of bars) {
        if (b.cal < t) continue;
        b.open = Math.round(b.open * ratio);
        b.high = Math.round(b.high * ratio);
        b.low = Math.round(b.low * ratio);
        b.close = Math.round(b.close * ratio);
        b.amount = Math.round(b.amount * ratio);
      }
      actions.set(t, { dividend, split: 1 });
      m.declared_actions++;
      break;
    }
    case 'off_calendar_row': {
      const day = calendar[t]!;
      const saturday = day + ((6 - weekdayOf(day) + 7) % 7 || 7);
      offCalendar = { afterDay: saturday, line: formatBar(bar(t), calendar, saturday) };
      m.out_of_calendar_rows++;
      break;
    }
    case 'parse_errors': {
      const b = bar(t);
      override.set(t, formatBar(b, calendar).replace(/^([^,]*,[^,]*,[^,]*,[^,]*,)[^,]*/, '$1abc'));
      const c = bar(t + 4);
      override.set(t + 4, formatBar(c, calendar).split(',').slice(0, 3).join(','));
      lost.set(t, ['close']).set(t + 4, ['low', 'close', 'volume', 'amount']);
      invalid.add(t).add(t + 4);
      m.parse_error_rows += 2;
      break;
    }
    case 'unit_error':
      bar(t).amount *= 1000;
      m.vwap_out_of_range_rows++;
      break;
    case 'limit_hits':
      m.limit_up_hits++;
      m.limit_down_hits++;
      break;
    case 'unsorted_file':
      m.unsorted = 1;
      break;
    case 'delisted':
    case 'late_listed':
    case 'empty_day':
    case 'frozen_day':
    case null:
      break;
  }

  const withActions = family === 'declared_split' || family === 'declared_dividend';
  const actionText = (cal: number): string => {
    if (!withActions) return '';
    const action = actions.get(cal);
    return action ? `,${formatLi(action.dividend)},${action.split}` : ',0,1';
  };
  const lines: string[] = [];
  const validCals: number[] = [];
  const presentCals: number[] = [];
  const perDay: (Bar | null)[] = [];
  for (const b of bars) {
    if (deleted.has(b.cal)) {
      perDay.push(null);
      continue;
    }
    perDay.push(withoutValues(b, lost.get(b.cal) ?? []));
    presentCals.push(b.cal);
    if (offCalendar && calendar[b.cal]! > offCalendar.afterDay) {
      lines.push(offCalendar.line); // in sorted position, so it does not also make the file unsorted
      offCalendar = null;
    }
    lines.push((override.get(b.cal) ?? formatBar(b, calendar)) + actionText(b.cal));
    const extra = extraAfter.get(b.cal);
    if (extra !== undefined) lines.push(extra + actionText(b.cal));
    if (!invalid.has(b.cal)) validCals.push(b.cal);
  }
  if (family === 'unsorted_file') lines.reverse();
  m.rows_written = lines.length;
  return {
    symbol: spec.symbol,
    csv: `${CSV_HEADER}${withActions ? ACTION_COLUMNS : ''}\n${lines.join('\n')}\n`,
    metrics: m,
    family,
    firstCal: first,
    lastCal: last,
    validCals,
    identicalCals: [...identical].filter((cal) => !invalid.has(cal) && !deleted.has(cal)),
    presentCals,
    bars: perDay,
  };
}

/** A copy of `b` with NaN for `fields`, or `b` itself when there are none. */
function withoutValues(b: Bar, fields: readonly (keyof Bar)[]): Bar {
  return fields.length === 0 ? b : { ...b, ...Object.fromEntries(fields.map((field) => [field, NaN])) };
}

/** One CSV line of a bar (CSV_HEADER's columns), dated by its calendar index unless `day` is given. */
export function formatBar(b: Bar, calendar: Int32Array, day = calendar[b.cal]!): string {
  return `${formatDayNumber(day)},${formatLi(b.open)},${formatLi(b.high)},${formatLi(b.low)},${formatLi(b.close)},${b.volume},${b.amount},${b.factor}`;
}

/** Li (0.001 CNY) as a decimal with two places, or three when a split left half a fen. */
export function formatLi(li: number): string {
  const whole = Math.floor(li / 1000);
  const frac = li - whole * 1000;
  return frac % 10 === 0
    ? `${whole}.${String(frac / 10).padStart(2, '0')}`
    : `${whole}.${String(frac).padStart(3, '0')}`;
}
