/** How a bundle's data is laid out, as the install check recognised it. */
export type BundleLayoutName = 'csv-daily' | 'csv-long' | 'qlib-bin';

/** A bundle's size in the terms the install check compares: enough to see a release that lost data. */
export interface BundleStats {
  readonly layout: BundleLayoutName;
  /** Symbols with at least one data row. */
  readonly symbols: number;
  /**
   * Data rows: lines after each CSV file's header (blank lines at a file's end excluded); for qlib binary, the values
   * of each symbol's reference field (`close`), its NaN days included.
   */
  readonly rows: number;
  /** The newest date with data (`YYYY-MM-DD`), or null when none could be read. */
  readonly lastDate: string | null;
}

/** `1,234,567`: counts in messages people read. */
export function formatCount(value: number): string {
  return value.toLocaleString('en-US');
}
