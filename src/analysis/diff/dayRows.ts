import { DAY_LIMIT } from '../dayNumbers';
import { alignQlibSeries, decodeQlibSeries, QLIB_FIELDS_READ, type QlibSeries } from '../qlib/readQlibRows';
import type { SymbolDiffBuilder } from './createSymbolDiff';
import { lineEnd } from '../scanCsvLine';
import { lineDay, readCsvDiffHeader, readLineValues, type CsvUnits } from './csvDiffRows';
import { DIFF_FIELDS } from './diffTypes';

const WIDTH = DIFF_FIELDS.length;
// One unit in the last place of a float32 (24 significant bits), relative: a stored factor is within it.
const FLOAT32_ROUNDING = 2 ** -23;

/** One symbol's rows by ascending date, with raw values in DIFF_FIELDS order; reused from symbol to symbol. */
export interface DayRows {
  length: number;
  days: Int32Array;
  values: Float64Array;
  /** Rounding of each row's factor as stored, absolute. */
  factorTol: Float64Array;
  /** By row and field: how far a raw value read back from an adjusted one may be off (see readLineValues). */
  tol: Float64Array;
}

export function createDayRows(capacity = 4096): DayRows {
  return {
    length: 0,
    days: new Int32Array(capacity),
    values: new Float64Array(capacity * WIDTH),
    factorTol: new Float64Array(capacity),
    tol: new Float64Array(capacity * WIDTH),
  };
}

function ensureCapacity(rows: DayRows, capacity: number): void {
  if (rows.days.length >= capacity) return;
  const size = Math.max(capacity, rows.days.length * 2);
  const grown = createDayRows(size);
  grown.days.set(rows.days);
  grown.values.set(rows.values);
  grown.factorTol.set(rows.factorTol);
  grown.tol.set(rows.tol);
  Object.assign(rows, { days: grown.days, values: grown.values, factorTol: grown.factorTol, tol: grown.tol });
}

/**
 * A qlib symbol's rows: a day is present when any of open, high, low, close and volume has a value (as the analysis
 * reads it). Prices become raw (÷ `$factor`) and volume raw (× `$factor`); a day without a factor carries the one
 * before (the first one backward), as the analysis does. Fields that cannot be decoded are left out.
 */
export function collectQlibRows(fields: ReadonlyMap<string, Uint8Array>, calendar: Int32Array, into: DayRows): void {
  const series = new Map<string, QlibSeries>();
  for (const name of QLIB_FIELDS_READ) {
    const bytes = fields.get(name);
    const decoded = bytes === undefined ? null : decodeQlibSeries(bytes, calendar.length);
    if (decoded !== null && typeof decoded !== 'string') series.set(name, decoded);
  }
  into.length = 0;
  const all = [...series.values()];
  if (all.length === 0) return;
  const first = Math.min(...all.map((s) => s.start));
  const last = Math.max(...all.map((s) => s.start + s.count - 1));
  ensureCapacity(into, last - first + 1);
  const aligned = (name: string): Float32Array => alignQlibSeries(series.get(name), first, last);
  const [open, high, low, close, volume, amount, factors] = QLIB_FIELDS_READ.map(aligned) as [
    Float32Array,
    Float32Array,
    Float32Array,
    Float32Array,
    Float32Array,
    Float32Array,
    Float32Array,
  ];
  const hasFactor = series.has('factor');
  let factor = NaN;
  for (const f of factors) {
    if (f > 0 && f < Infinity) {
      factor = f;
      break;
    }
  }
  const { days, values, factorTol } = into;
  let row = 0;
  for (let i = 0; i <= last - first; i++) {
    const o = open[i]!;
    const h = high[i]!;
    const l = low[i]!;
    const c = close[i]!;
    const v = volume[i]!;
    // NaN fails every comparison: `x === x` is "has a value".
    if (!(o === o || h === h || l === l || c === c || v === v)) continue;
    const f = factors[i]!;
    if (f > 0 && f < Infinity) factor = f;
    const scale = factor > 0 ? factor : 1;
    const base = row * WIDTH;
    days[row] = calendar[first + i]!;
    values[base] = o / scale;
    values[base + 1] = h / scale;
    values[base + 2] = l / scale;
    values[base + 3] = c / scale;
    values[base + 4] = v * scale;
    values[base + 5] = amount[i]!;
    values[base + 6] = NaN;
    values[base + 7] = hasFactor ? factor : NaN;
    factorTol[row] = hasFactor ? factor * FLOAT32_ROUNDING : 0;
    row++;
  }
  into.tol.fill(0, 0, row * WIDTH); // qlib values are compared relative to their float32 rounding instead
  into.length = row;
}

const firstRowOfDay = new Int32Array(DAY_LIMIT).fill(-1);

/** A csv-daily file's rows (the first line of each date), sorted by date: to compare it with another format. */
export function collectCsvRows(bytes: Buffer, units: CsvUnits, into: DayRows): void {
  into.length = 0;
  const header = readCsvDiffHeader(bytes, units);
  if (header === null) return;
  const lines: { day: number; start: number; end: number }[] = [];
  for (let pos = header.bodyStart; pos < bytes.length;) {
    const end = lineEnd(bytes, pos);
    const day = lineDay(bytes, pos, end, header);
    if (day >= 0 && firstRowOfDay[day]! < 0) {
      firstRowOfDay[day] = lines.length;
      lines.push({ day, start: pos, end });
    }
    pos = end + 1;
  }
  for (const line of lines) firstRowOfDay[line.day] = -1;
  lines.sort((a, b) => a.day - b.day);
  ensureCapacity(into, lines.length);
  const row = new Float64Array(WIDTH);
  const rowTol = new Float64Array(WIDTH);
  for (const [i, line] of lines.entries()) {
    into.factorTol[i] = readLineValues(bytes, line.start, line.end, header, row, rowTol);
    into.values.set(row, i * WIDTH);
    into.tol.set(rowTol, i * WIDTH);
    into.days[i] = line.day;
  }
  into.length = lines.length;
}

/** Compares two symbols' rows by date (both ascending): dates on one side only are added or removed rows. */
export function compareDayRows(old: DayRows, next: DayRows, diff: SymbolDiffBuilder): void {
  let i = 0;
  let j = 0;
  while (i < old.length && j < next.length) {
    const a = old.days[i]!;
    const b = next.days[j]!;
    if (a < b) {
      diff.removed();
      i++;
    } else if (b < a) {
      diff.added();
      j++;
    } else {
      diff.compare(
        a,
        old.values.subarray(i * WIDTH, i * WIDTH + WIDTH),
        next.values.subarray(j * WIDTH, j * WIDTH + WIDTH),
        old.factorTol[i]!,
        next.factorTol[j]!,
        old.tol.subarray(i * WIDTH, i * WIDTH + WIDTH),
        next.tol.subarray(j * WIDTH, j * WIDTH + WIDTH),
      );
      i++;
      j++;
    }
  }
  diff.removed(old.length - i);
  diff.added(next.length - j);
}

/** Marks the days of `rows` in `target`. */
export function markRowDays(rows: DayRows, target: Uint8Array): void {
  for (let i = 0; i < rows.length; i++) target[rows.days[i]!] = 1;
}
