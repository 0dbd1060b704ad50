/**
 * Parsed rows of one symbol as parallel typed arrays (struct of arrays): no object per row, and the storage is reused
 * from one symbol to the next, so memory is bounded by the largest file rather than the bundle.
 */
export interface RowTable {
  length: number;
  day: Int32Array;
  line: Int32Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
  amount: Float64Array;
  preClose: Float64Array;
  factor: Float64Array;
  /** Declared split ratio r (new price = old / r); NaN when none is declared. */
  split: Float64Array;
  /** Declared cash dividend per share on its ex-date; NaN when none is declared. */
  dividend: Float64Array;
  /** The row's own ST status, 1 or 0; NaN when the file does not say (the symbol's then applies). */
  st: Float64Array;
}

export function createRowTable(capacity = 4096): RowTable {
  return {
    length: 0,
    day: new Int32Array(capacity),
    line: new Int32Array(capacity),
    open: new Float64Array(capacity),
    high: new Float64Array(capacity),
    low: new Float64Array(capacity),
    close: new Float64Array(capacity),
    volume: new Float64Array(capacity),
    amount: new Float64Array(capacity),
    preClose: new Float64Array(capacity),
    factor: new Float64Array(capacity),
    split: new Float64Array(capacity),
    dividend: new Float64Array(capacity),
    st: new Float64Array(capacity),
  };
}

/** Makes room for `rows` more rows (default one), at least doubling the arrays when they are too small. */
export function ensureRowCapacity(table: RowTable, rows = 1): void {
  if (table.length + rows <= table.day.length) return;
  const size = Math.max(table.day.length * 2, table.length + rows);
  table.day = grow(table.day, new Int32Array(size));
  table.line = grow(table.line, new Int32Array(size));
  table.open = grow(table.open, new Float64Array(size));
  table.high = grow(table.high, new Float64Array(size));
  table.low = grow(table.low, new Float64Array(size));
  table.close = grow(table.close, new Float64Array(size));
  table.volume = grow(table.volume, new Float64Array(size));
  table.amount = grow(table.amount, new Float64Array(size));
  table.preClose = grow(table.preClose, new Float64Array(size));
  table.factor = grow(table.factor, new Float64Array(size));
  table.split = grow(table.split, new Float64Array(size));
  table.dividend = grow(table.dividend, new Float64Array(size));
  table.st = grow(table.st, new Float64Array(size));
}

function grow<T extends Int32Array | Float64Array>(old: T, next: T): T {
  next.set(old);
  return next;
}

/** Same values in every parsed column (NaN equals NaN: both missing). Decides a conflicting duplicate. */
export function sameRowValues(table: RowTable, a: number, b: number): boolean {
  return (
    same(table.open[a], table.open[b]) &&
    same(table.high[a], table.high[b]) &&
    same(table.low[a], table.low[b]) &&
    same(table.close[a], table.close[b]) &&
    same(table.volume[a], table.volume[b]) &&
    same(table.amount[a], table.amount[b]) &&
    same(table.preClose[a], table.preClose[b]) &&
    same(table.factor[a], table.factor[b]) &&
    same(table.split[a], table.split[b]) &&
    same(table.dividend[a], table.dividend[b]) &&
    same(table.st[a], table.st[b])
  );
}

function same(x: number | undefined, y: number | undefined): boolean {
  return x === y || (Number.isNaN(x) && Number.isNaN(y));
}
