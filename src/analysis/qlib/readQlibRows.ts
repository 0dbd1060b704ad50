import { endianness } from 'node:os';
import { CheckCode } from '../checkCodes';
import { checkRowValues } from '../checkRowValues';
import type { Sampler } from '../dayTrace';
import type { SymbolCountMetric, SymbolCounts } from '../metricNames';
import { ensureRowCapacity } from '../rowTable';
import type { SymbolWorkspace } from '../symbolWorkspace';

/** Metrics the qlib binary format cannot express: it has no text to misparse, one value per day, no row order. */
export const QLIB_NOT_APPLICABLE: readonly SymbolCountMetric[] = [
  'parse_error_rows',
  'duplicate_rows',
  'conflicting_duplicates',
  'out_of_calendar_rows',
  'unsorted',
  'declared_actions',
];

const PRICE_FIELDS = ['open', 'high', 'low', 'close'] as const;
const REQUIRED_FIELDS = [...PRICE_FIELDS, 'volume'] as const;

/** One decoded `<field>.day.bin`: the calendar index of its first value, and the values. */
interface Series {
  readonly start: number;
  readonly values: Float32Array;
  /** Values past the calendar's end had no date and were dropped. */
  readonly truncated: boolean;
}

/**
 * Reads one qlib symbol into the workspace. Each `<field>.day.bin` is little-endian float32: element 0 is the calendar
 * index of the first value, then one value per calendar day, NaN where the symbol has no data (qlib's dump reindexes
 * every symbol onto the calendar between its first and last date). A day is present when any of open, high, low,
 * close and volume has a value; it is a row for the checks when all five have one.
 *
 * Prices in qlib are adjusted: `$factor` is adjusted ÷ raw, so the raw price is `$close / $factor` and the raw volume
 * `$volume × $factor` (`$amount` is not adjusted). Raw prices are rounded to 0.001, which absorbs float32 error (A
 * shares trade in fen, funds in li). A missing factor carries the previous one forward (the first one backward).
 * The format declares no units, so the VWAP check takes each symbol's amount/(volume × close) to the nearest power of
 * ten as its unit (1 for yuan and shares; 10 for tushare's thousand yuan and lots).
 */
export function readQlibRows(
  fields: ReadonlyMap<string, Uint8Array>,
  calendar: Int32Array,
  ws: SymbolWorkspace,
  counts: SymbolCounts,
  sample: Sampler,
): { notApplicable: SymbolCountMetric[] } {
  const series = new Map<string, Series>();
  for (const [name, bytes] of fields) {
    const decoded = decodeSeries(bytes, calendar.length);
    if (typeof decoded === 'string') sample(CheckCode.FieldMismatch, -1, 0, `${name}.day.bin: ${decoded}`);
    else {
      series.set(name, decoded);
      if (decoded.truncated) sample(CheckCode.FieldMismatch, -1, 0, `${name}.day.bin runs past the calendar's end`);
    }
  }
  const notApplicable = [...QLIB_NOT_APPLICABLE];
  if (!series.has('amount')) notApplicable.push('vwap_out_of_range_rows');
  if (!series.has('factor')) notApplicable.push('adj_factor_changes');
  const missing = REQUIRED_FIELDS.filter((name) => !series.has(name));
  if (missing.length > 0) sample(CheckCode.MissingColumns, -1, 0, `no ${missing.join(', ')}.day.bin`);
  const reference = series.get('close');
  for (const [name, s] of series) {
    if (reference && (s.start !== reference.start || s.values.length !== reference.values.length)) {
      sample(CheckCode.FieldMismatch, -1, 0, `${name}.day.bin covers other days than close.day.bin`);
    }
  }
  const all = [...series.values()];
  if (all.length === 0) return { notApplicable };
  const first = Math.min(...all.map((s) => s.start));
  const last = Math.max(...all.map((s) => s.start + s.values.length - 1));
  const [sOpen, sHigh, sLow, sClose, sVolume] = REQUIRED_FIELDS.map((name) => series.get(name));
  const sAmount = series.get('amount');
  const sFactor = series.get('factor');

  const { table, validRowAt } = ws;
  let factor = firstFinite(sFactor) ?? 1;
  const rows: number[] = [];
  for (let cal = first; cal <= last; cal++) {
    const open = valueAt(sOpen, cal);
    const high = valueAt(sHigh, cal);
    const low = valueAt(sLow, cal);
    const close = valueAt(sClose, cal);
    const volume = valueAt(sVolume, cal);
    const anyValue = open === open || high === high || low === low || close === close || volume === volume;
    if (!anyValue) continue;
    const day = calendar[cal]!;
    ws.markPresent(day);
    counts.rows_written++;
    const f = valueAt(sFactor, cal);
    if (f > 0 && Number.isFinite(f)) factor = f;
    if (
      missing.length > 0 ||
      !(open === open && high === high && low === low && close === close && volume === volume)
    ) {
      sample(CheckCode.FieldMismatch, day, 0, 'some of open, high, low, close and volume have no value');
      continue;
    }
    ensureRowCapacity(table);
    const row = table.length++;
    table.day[row] = day;
    table.line[row] = 0;
    table.open[row] = toRawPrice(open, factor);
    table.high[row] = toRawPrice(high, factor);
    table.low[row] = toRawPrice(low, factor);
    table.close[row] = toRawPrice(close, factor);
    table.volume[row] = Math.round(volume * factor * 1000) / 1000;
    table.amount[row] = valueAt(sAmount, cal);
    table.preClose[row] = NaN;
    table.factor[row] = sFactor ? factor : NaN;
    table.split[row] = NaN;
    table.dividend[row] = NaN;
    rows.push(row);
  }
  const units = { amountMul: amountUnit(ws, rows), volumeMul: 1 };
  for (const row of rows) if (checkRowValues(table, row, units, counts, sample)) validRowAt[table.day[row]!] = row;
  return { notApplicable };
}

function valueAt(series: Series | undefined, cal: number): number {
  if (!series) return NaN;
  const i = cal - series.start;
  return i >= 0 && i < series.values.length ? series.values[i]! : NaN;
}

function toRawPrice(adjusted: number, factor: number): number {
  return Math.round((adjusted / factor) * 1000) / 1000;
}

function firstFinite(series: Series | undefined): number | undefined {
  if (!series) return undefined;
  for (const value of series.values) if (value > 0 && Number.isFinite(value)) return value;
  return undefined;
}

/** The power of ten that turns amount / volume into a price: the median row's, so a few unit errors do not move it. */
function amountUnit(ws: SymbolWorkspace, rows: readonly number[]): number {
  const { table } = ws;
  const ratios: number[] = [];
  for (const row of rows) {
    const amount = table.amount[row]!;
    const volume = table.volume[row]!;
    if (amount > 0 && volume > 0 && table.close[row]! > 0) ratios.push((table.close[row]! * volume) / amount);
  }
  if (ratios.length === 0) return 1;
  ratios.sort((a, b) => a - b);
  return 10 ** Math.round(Math.log10(ratios[ratios.length >> 1]!));
}

const LITTLE_ENDIAN_HOST = endianness() === 'LE';

/** Decodes a `.day.bin`, or says why it cannot be read. */
function decodeSeries(bytes: Uint8Array, calendarLength: number): Series | string {
  if (bytes.length < 4 || bytes.length % 4 !== 0)
    return `${bytes.length} bytes is not a whole number of float32 values`;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const start = view.getFloat32(0, true);
  if (!Number.isInteger(start) || start < 0) return `its start index ${start} is not a calendar index`;
  const stored = bytes.length / 4 - 1;
  if (start >= calendarLength && stored > 0) {
    return `it starts at calendar index ${start}, past the calendar's ${calendarLength} days`;
  }
  const count = Math.min(stored, calendarLength - start);
  let values: Float32Array;
  if (LITTLE_ENDIAN_HOST && (bytes.byteOffset + 4) % 4 === 0) {
    values = new Float32Array(bytes.buffer, bytes.byteOffset + 4, count);
  } else {
    values = new Float32Array(count);
    for (let i = 0; i < count; i++) values[i] = view.getFloat32(4 + i * 4, true);
  }
  return { start, values, truncated: count < stored };
}
