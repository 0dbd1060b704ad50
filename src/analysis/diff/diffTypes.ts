/**
 * The fields a row is compared on: prices, volume, amount and the adjustment factor. Raw values are compared (csv-daily
 * stores raw prices; qlib's stored prices are divided by `$factor` and its volume multiplied by it), so a re-adjusted
 * history is told apart from a restated one.
 */
export const DIFF_FIELDS = ['open', 'high', 'low', 'close', 'volume', 'amount', 'pre_close', 'factor'] as const;
export type DiffField = (typeof DIFF_FIELDS)[number];

/** Index of `factor` in a row's values; the fields before it are the raw fields. */
export const FACTOR = DIFF_FIELDS.indexOf('factor');

/** Sample rows kept per symbol (field-level: one restated row may give several). */
export const SAMPLES_PER_SYMBOL = 10;

/** One field of one restated row: values as compared (raw prices), null where the row has no number. */
export interface DiffSample {
  readonly trade_date: string;
  readonly field: DiffField;
  readonly old: number | null;
  readonly new: number | null;
}

export type SymbolChange = 'added' | 'removed' | 'changed' | 'unchanged';

/** What changed for one symbol between the old and the new bundle. */
export interface SymbolDiff {
  readonly symbol: string;
  readonly change: SymbolChange;
  /** Dates with a row only in the new bundle (every row of an added symbol). */
  readonly rows_added: number;
  /** Dates with a row only in the old bundle (every row of a removed symbol). */
  readonly rows_removed: number;
  /** Dates in both whose raw values differ, or whose factor changed other than by one ratio for the whole history. */
  readonly rows_restated: number;
  /** The factor changed by one constant ratio on every date it changed, with the raw values equal there. */
  readonly readjusted: boolean;
  /** new factor ÷ old factor of a re-adjusted symbol, else null. */
  readonly readjust_ratio: number | null;
  readonly first_restated_date: string | null;
  readonly last_restated_date: string | null;
  readonly samples: readonly DiffSample[];
}

/** Bundle-wide counts of a diff. `days_*` compare the two calendars (a calendar file, or the dates of the rows). */
export interface DiffTotals {
  symbols_compared: number;
  symbols_unchanged: number;
  symbols_added: number;
  symbols_removed: number;
  symbols_restated: number;
  symbols_readjusted: number;
  rows_added: number;
  rows_removed: number;
  rows_restated: number;
  days_added: number;
  days_removed: number;
}

export const DIFF_TOTAL_NAMES = [
  'symbols_compared',
  'symbols_unchanged',
  'symbols_added',
  'symbols_removed',
  'symbols_restated',
  'symbols_readjusted',
  'rows_added',
  'rows_removed',
  'rows_restated',
  'days_added',
  'days_removed',
] as const satisfies readonly (keyof DiffTotals)[];

export function createEmptyTotals(): DiffTotals {
  return {
    symbols_compared: 0,
    symbols_unchanged: 0,
    symbols_added: 0,
    symbols_removed: 0,
    symbols_restated: 0,
    symbols_readjusted: 0,
    rows_added: 0,
    rows_removed: 0,
    rows_restated: 0,
    days_added: 0,
    days_removed: 0,
  };
}

/** The sentence a task logs: "12 symbols restated 340 rows; 5 symbols added; 2 removed; 60 new days". */
export function describeDiffTotals(totals: DiffTotals): string {
  const parts = [`${totals.symbols_restated} symbols restated ${totals.rows_restated} rows`];
  if (totals.symbols_readjusted > 0) parts.push(`${totals.symbols_readjusted} re-adjusted`);
  parts.push(`${totals.symbols_added} symbols added`, `${totals.symbols_removed} removed`);
  parts.push(`${totals.days_added} new days`);
  if (totals.days_removed > 0) parts.push(`${totals.days_removed} days gone`);
  return parts.join('; ');
}
