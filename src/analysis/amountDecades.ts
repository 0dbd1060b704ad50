import type { VwapUnits } from './checkRowValues';
import { roundHalfUp } from './roundHalfUp';
import type { RowTable } from './rowTable';

/**
 * The units of a symbol's volume and amount, read from its own rows. close × volume ÷ amount is about 1 when the
 * volume counts shares and the amount yuan, so its power of ten says the units: -2 when the volume counts lots (手),
 * 3 when the amount counts thousand yuan, 1 for both. Rows are counted per power of ten, from 10^-10 to 10^10, so the
 * median needs no sort and a few rows in error do not move it.
 */
export type DecadeCounts = Int32Array;

const DECADES = 21;
const DECADE_ZERO = 10;

export function createDecadeCounts(): DecadeCounts {
  return new Int32Array(DECADES);
}

/** Counts one row with a positive close, volume and amount (the caller checks them). */
export function countDecade(decades: DecadeCounts, close: number, volume: number, amount: number): void {
  const decade = roundHalfUp(Math.log10((close * volume) / amount)) + DECADE_ZERO;
  if (decade >= 0 && decade < DECADES) decades[decade]!++;
}

/** The median row's power of ten, and how many rows were counted (decade null when none). */
export function medianDecade(decades: DecadeCounts): { decade: number | null; rows: number } {
  let rows = 0;
  for (const count of decades) rows += count;
  let seen = 0;
  for (let decade = 0; decade < DECADES; decade++) {
    seen += decades[decade]!;
    if (seen * 2 > rows) return { decade: decade - DECADE_ZERO, rows };
  }
  return { decade: null, rows };
}

// The units vendors write, by that power of ten: shares and yuan 0, lots -2, thousand yuan 3, lots and thousand yuan
// 1, ten thousand yuan (万元) 4, lots and ten thousand yuan 2.
const VENDOR_UNITS: ReadonlyMap<number, string> = new Map([
  [0, 'volume in shares, amount in yuan'],
  [-2, 'volume in lots, amount in yuan'],
  [3, 'volume in shares, amount in thousand yuan'],
  [1, 'volume in lots, amount in thousand yuan'],
  [4, 'volume in shares, amount in ten thousand yuan'],
  [2, 'volume in lots, amount in ten thousand yuan'],
]);
// Rows sampled per file, and how many must count before they outvote the header.
const SAMPLED_ROWS = 64;
const MIN_ROWS = 5;

/** The VWAP units a CSV file is read in, and what its rows showed when they outvoted its header (else null). */
export interface RowUnits {
  readonly units: VwapUnits;
  readonly outvoted: string | null;
}

/**
 * VWAP units for a CSV file whose units nothing declares: the ones its header implies (`implied`), unless the median
 * of at least five of its rows is another unit a vendor writes. A Chinese-headed export counted in shares, or an
 * English-headed one in lots, then reads as what it is rather than as every row a VWAP defect; a file whose rows
 * mostly agree with its header keeps it, and the rows that do not are still out of range.
 */
export function unitsFromRows(table: RowTable, implied: VwapUnits): RowUnits {
  const { close, volume, amount } = table;
  const decades = createDecadeCounts();
  const step = Math.max(1, Math.floor(table.length / SAMPLED_ROWS));
  for (let row = 0; row < table.length; row += step) {
    const c = close[row]!;
    const v = volume[row]!;
    const a = amount[row]!;
    if (c > 0 && v > 0 && a > 0) countDecade(decades, c, v, a);
  }
  const { decade, rows } = medianDecade(decades);
  const shown = decade === null ? undefined : VENDOR_UNITS.get(decade);
  if (decade === null || rows < MIN_ROWS || shown === undefined) return { units: implied, outvoted: null };
  const impliedDecade = Math.round(Math.log10(implied.amountMul / implied.volumeMul));
  if (decade === impliedDecade) return { units: implied, outvoted: null };
  return { units: { amountMul: 10 ** decade, volumeMul: 1 }, outvoted: shown };
}
