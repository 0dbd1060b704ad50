import { limitPercentOn } from './limitRules';
import type { Board } from './symbolCodes';

/** Bundle-wide inputs every symbol analysis needs; plain data so it can be posted to a worker thread. */
export interface AnalyzerSetup {
  /** Trading days as ascending day numbers (weekends already removed). */
  readonly calendar: Int32Array;
  /** Units declared in manifest.json; null lets each file's header decide (tushare-style headers mean lots / thousand yuan). */
  readonly volumeUnit: 'share' | 'lot' | null;
  readonly amountUnit: 'yuan' | 'thousand_yuan' | null;
}

/** What instruments.csv says about one symbol. */
export interface SymbolInfo {
  readonly symbol: string;
  readonly isSt: boolean;
  /** Listing day number, -1 when unknown. */
  readonly listDay: number;
  /** Delisting day number, -1 when not delisted or unknown. */
  readonly delistDay: number;
}

/** Calendar lookups built once per analyzer: day number → calendar index, and limit percents per index. */
export interface CalendarIndex {
  readonly days: Int32Array;
  readonly firstDay: number;
  readonly dayToIndex: Int32Array;
  limitPercents(board: Board, isSt: boolean): Float64Array;
  /** Calendar index of the first trading day on or after `day`; -1 when before the calendar or after its end. */
  indexOnOrAfter(day: number): number;
}

export function createCalendarIndex(days: Int32Array): CalendarIndex {
  const firstDay = days.length > 0 ? days[0]! : 0;
  const span = days.length > 0 ? days[days.length - 1]! - firstDay + 1 : 0;
  const dayToIndex = new Int32Array(span).fill(-1);
  days.forEach((day, index) => (dayToIndex[day - firstDay] = index));
  const percents = new Map<string, Float64Array>();
  return {
    days,
    firstDay,
    dayToIndex,
    limitPercents(board, isSt) {
      const key = `${board}:${isSt}`;
      let table = percents.get(key);
      if (!table) {
        table = new Float64Array(days.length);
        days.forEach((day, index) => (table![index] = limitPercentOn(board, isSt, day) ?? NaN));
        percents.set(key, table);
      }
      return table;
    },
    indexOnOrAfter(day) {
      if (days.length === 0 || day < firstDay) return -1;
      let lo = 0;
      let hi = days.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (days[mid]! < day) lo = mid + 1;
        else hi = mid;
      }
      return lo < days.length ? lo : -1;
    },
  };
}
