/** Bundle-wide inputs every symbol analysis needs; plain data so it can be posted to a worker thread. */
export interface AnalyzerSetup {
  /**
   * Trading days as ascending day numbers (weekends already removed), or null while the calendar is derived from the
   * union of the bundle's dates: then results wait until the calendar is known (see SymbolAnalyzer.finish).
   */
  readonly calendar: Int32Array | null;
  /** Units declared in manifest.json; null lets each file's header decide (tushare-style headers mean lots / thousand yuan). */
  readonly volumeUnit: 'share' | 'lot' | null;
  readonly amountUnit: 'yuan' | 'thousand_yuan' | null;
}

/** What instruments.csv (or a qlib instruments file) says about one symbol. */
export interface SymbolInfo {
  readonly symbol: string;
  readonly isSt: boolean;
  /** Listing day number, -1 when unknown. */
  readonly listDay: number;
  /** Delisting day number, -1 when not delisted or unknown. */
  readonly delistDay: number;
}

/** Calendar lookups built once per analyzer: day number → calendar index. */
export interface CalendarIndex {
  readonly days: Int32Array;
  readonly firstDay: number;
  readonly dayToIndex: Int32Array;
  /** Calendar index of the first trading day on or after `day`; -1 when after the calendar's end. */
  indexOnOrAfter(day: number): number;
}

export function createCalendarIndex(days: Int32Array): CalendarIndex {
  const firstDay = days.length > 0 ? days[0]! : 0;
  const span = days.length > 0 ? days[days.length - 1]! - firstDay + 1 : 0;
  const dayToIndex = new Int32Array(span).fill(-1);
  days.forEach((day, index) => (dayToIndex[day - firstDay] = index));
  return {
    days,
    firstDay,
    dayToIndex,
    indexOnOrAfter(day) {
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
