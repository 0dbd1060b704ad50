import { endianness } from 'node:os';
import { countDecade, createDecadeCounts, medianDecade, type DecadeCounts } from '../amountDecades';
import { CheckCode } from '../checkCodes';
import { checkRowValues } from '../checkRowValues';
import { Note, noteIssue, type IssueNotes } from '../issueNotes';
import type { SymbolCountMetric, SymbolCounts } from '../metricNames';
import { rawPriceOf, rawScale, rawVolumeOf } from '../rawValues';
import { ensureRowCapacity } from '../rowTable';
import type { SymbolWorkspace } from '../symbolWorkspace';

/**
 * Metrics the qlib binary format cannot express: one value per day, no row order, no declared actions. (A day with some
 * of the required values missing is what a CSV row missing a required number is: a parse error.)
 */
export const QLIB_NOT_APPLICABLE: readonly SymbolCountMetric[] = [
  'duplicate_rows',
  'conflicting_duplicates',
  'out_of_calendar_rows',
  'unsorted',
  'declared_actions',
];

const PRICE_FIELDS = ['open', 'high', 'low', 'close'] as const;
const REQUIRED_FIELDS = [...PRICE_FIELDS, 'volume'] as const;
/** The fields whose values the checks (and the bundle diff) read. */
export const QLIB_FIELDS_READ = [...REQUIRED_FIELDS, 'amount', 'factor'] as const;
const READ: ReadonlySet<string> = new Set(QLIB_FIELDS_READ);

/** Whether the checks read a field's values (`close`), or only its shape (`vwap`, `adjclose`, `change`, …). */
export function isQlibFieldRead(field: string): boolean {
  return READ.has(field.toLowerCase());
}

/**
 * A field file whose values nothing reads, carried as its first 4 bytes (the start index) and its length in bytes:
 * enough to check its shape and the days it covers, without copying the values from an archive.
 */
export interface QlibFieldHead {
  readonly head: Uint8Array;
  readonly byteLength: number;
}

/** A `<field>.day.bin` as given to the reader: its bytes, or its head when its values are not read. */
export type QlibFieldBytes = Uint8Array | QlibFieldHead;

/** One decoded `<field>.day.bin`: the calendar index of its first value, and the values. */
export interface QlibSeries {
  readonly start: number;
  /** How many calendar days the file covers from `start` (within the calendar). */
  readonly count: number;
  /** The values (none when only the file's head was given). */
  readonly values: Float32Array;
  /** Values past the calendar's end had no date and were dropped. */
  readonly truncated: boolean;
}

/**
 * Reads one qlib symbol into the workspace. Each `<field>.day.bin` is little-endian float32: element 0 is the calendar
 * index of the first value, then one value per calendar day, NaN where the symbol has no data (qlib's dump reindexes
 * every symbol onto the calendar between its first and last date). A day is present when any of open, high, low,
 * close and volume has a value; it is a row for the checks when all five have one, and otherwise a parse error (as a
 * CSV row missing a required number is: dropped, its day still present), also when a required field's file is missing
 * or unreadable.
 *
 * Prices in qlib are adjusted: `$factor` is adjusted ÷ raw, so the raw price is `$close / $factor` and the raw volume
 * `$volume × $factor` (`$amount` is not adjusted). Raw prices are rounded to 0.001, which absorbs float32 error (A
 * shares trade in fen, funds in li). A missing factor carries the previous one forward (the first one backward).
 * The format declares no units, so the VWAP check takes each symbol's amount/(volume × close) to the nearest power of
 * ten as its unit (1 for yuan and shares; 10 for tushare's thousand yuan and lots).
 */
export function readQlibRows(
  fields: ReadonlyMap<string, QlibFieldBytes>,
  calendar: Int32Array,
  ws: SymbolWorkspace,
  counts: SymbolCounts,
  notes: IssueNotes,
): { notApplicable: SymbolCountMetric[] } {
  const { sample } = notes;
  const series = new Map<string, QlibSeries>();
  for (const [name, bytes] of fields) {
    const decoded = decodeQlibSeries(bytes, calendar.length);
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
    if (reference && (s.start !== reference.start || s.count !== reference.count)) {
      sample(CheckCode.FieldMismatch, -1, 0, `${name}.day.bin covers other days than close.day.bin`);
    }
  }
  const all = [...series.values()];
  if (all.length === 0) return { notApplicable };
  const first = Math.min(...all.map((s) => s.start));
  const last = Math.max(...all.map((s) => s.start + s.count - 1));

  const { table, validRowAt } = ws;
  const aligned: AlignedFields = {
    open: alignQlibSeries(series.get('open'), first, last),
    high: alignQlibSeries(series.get('high'), first, last),
    low: alignQlibSeries(series.get('low'), first, last),
    close: alignQlibSeries(series.get('close'), first, last),
    volume: alignQlibSeries(series.get('volume'), first, last),
    amount: alignQlibSeries(series.get('amount'), first, last),
    factor: alignQlibSeries(series.get('factor'), first, last),
  };
  const start = table.length;
  const decades = createDecadeCounts();
  const written = copyQlibDays(aligned, calendar, first, missing.length === 0, ws, notes, decades);
  // What the format never carries, filled once per symbol rather than per row.
  table.line.fill(0, start, table.length);
  table.preClose.fill(NaN, start, table.length);
  table.split.fill(NaN, start, table.length);
  table.dividend.fill(NaN, start, table.length);
  table.st.fill(NaN, start, table.length);
  if (!series.has('factor')) table.factor.fill(NaN, start, table.length);
  counts.rows_written += written;
  counts.parse_error_rows += written - (table.length - start);
  const units = { amountMul: 10 ** (medianDecade(decades).decade ?? 0), volumeMul: 1 };
  checkRowValues(table, start, null, validRowAt, units, counts, notes);
  return { notApplicable };
}

// Days of the current symbol with some of the price and volume fields missing, reused from one symbol to the next.
let incomplete = new Int32Array(0);

/** One symbol's fields, each aligned to the same calendar indexes. */
interface AlignedFields {
  readonly open: Float32Array;
  readonly high: Float32Array;
  readonly low: Float32Array;
  readonly close: Float32Array;
  readonly volume: Float32Array;
  readonly amount: Float32Array;
  readonly factor: Float32Array;
}

/**
 * The per-day loop of readQlibRows: appends the complete days to the table as raw prices, marks the present days,
 * counts a sample of the amount units into `decades`, and returns how many days were present. A function of its own
 * so V8 optimises the loop apart from the per-symbol set-up: a smaller function compiles faster, and it is compiled
 * again every time a rare branch first runs.
 */
function copyQlibDays(
  fields: AlignedFields,
  calendar: Int32Array,
  first: number,
  complete: boolean,
  ws: SymbolWorkspace,
  notes: IssueNotes,
  decades: DecadeCounts,
): number {
  const { open, high, low, close, volume, amount, factor: factors } = fields;
  const { table, presentAt } = ws;
  const span = open.length;
  ensureRowCapacity(table, span);
  const { day: tDay, open: tOpen, high: tHigh, low: tLow, close: tClose, volume: tVolume } = table;
  const { amount: tAmount, factor: tFactor } = table;
  let factor = firstFinite(factors) ?? 1;
  let scale = rawScale(factor);
  let row = table.length;
  let written = 0;
  let firstDay = -1;
  let lastDay = -1;
  if (incomplete.length < span) incomplete = new Int32Array(span * 2);
  const incompleteDays = incomplete;
  let kept = 0;
  // No branch of its own for a rare case (see sequenceEvents.ts): an incomplete day is written to the table like any
  // other and not kept (the next day overwrites it), and its day number is kept for a note.
  for (let i = 0; i < span; i++) {
    const o = open[i]!;
    const h = high[i]!;
    const l = low[i]!;
    const c = close[i]!;
    const v = volume[i]!;
    // NaN fails every comparison: `x === x` is "has a value".
    if (!(o === o || h === h || l === l || c === c || v === v)) continue;
    const day = calendar[first + i]!;
    presentAt[day] = 1;
    firstDay = firstDay < 0 ? day : firstDay;
    lastDay = day;
    written++;
    const f = factors[i]!;
    const changed = f > 0 && f < Infinity && f !== factor;
    const changedScale = rawScale(f);
    factor = changed ? f : factor;
    scale = changed ? changedScale : scale;
    const whole = complete && o === o && h === h && l === l && c === c && v === v ? 1 : 0;
    incompleteDays[kept] = day;
    kept += 1 - whole;
    const rawClose = rawPriceOf(c, scale);
    const rawVolume = rawVolumeOf(v, factor);
    const a = amount[i]!;
    tDay[row] = day;
    tOpen[row] = rawPriceOf(o, scale);
    tHigh[row] = rawPriceOf(h, scale);
    tLow[row] = rawPriceOf(l, scale);
    tClose[row] = rawClose;
    tVolume[row] = rawVolume;
    tAmount[row] = a;
    tFactor[row] = factor;
    // Every 32nd row is plenty for a median (about 80 of a 10-year symbol), and log10 is not free.
    if ((row & 31) === 0 && whole === 1 && a > 0 && rawVolume > 0 && rawClose > 0) {
      countDecade(decades, rawClose, rawVolume, a);
    }
    row += whole;
  }
  noteIncompleteDays(incompleteDays, kept, notes);
  table.length = row;
  if (firstDay >= 0) {
    ws.markPresent(firstDay);
    ws.markPresent(lastDay);
  }
  return written;
}

/** A function of its own, called for every symbol: as a branch of the loop's function it would run rarely. */
function noteIncompleteDays(days: Int32Array, count: number, notes: IssueNotes): void {
  for (let k = 0; k < count; k++) noteIssue(notes, Note.IncompleteDay, days[k]!, 0);
}

/** A field's values for calendar indexes first..last (NaN outside the field's own range); shares when it can. */
export function alignQlibSeries(series: QlibSeries | undefined, first: number, last: number): Float32Array {
  const length = last - first + 1;
  if (!series) return new Float32Array(length).fill(NaN);
  if (series.start === first && series.values.length === length) return series.values;
  const out = new Float32Array(length).fill(NaN);
  out.set(series.values, series.start - first);
  return out;
}

function firstFinite(values: Float32Array): number | undefined {
  for (const value of values) if (value > 0 && value < Infinity) return value;
  return undefined;
}

const LITTLE_ENDIAN_HOST = endianness() === 'LE';

/** Decodes a `.day.bin` (its values too when given its bytes), or says why it cannot be read. */
export function decodeQlibSeries(file: QlibFieldBytes, calendarLength: number): QlibSeries | string {
  const headOnly = !(file instanceof Uint8Array);
  const bytes = headOnly ? file.head : file;
  const byteLength = headOnly ? file.byteLength : bytes.length;
  if (byteLength < 4 || byteLength % 4 !== 0) return `${byteLength} bytes is not a whole number of float32 values`;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const start = view.getFloat32(0, true);
  if (!Number.isInteger(start) || start < 0) return `its start index ${start} is not a calendar index`;
  const stored = byteLength / 4 - 1;
  if (start >= calendarLength && stored > 0) {
    return `it starts at calendar index ${start}, past the calendar's ${calendarLength} days`;
  }
  const count = Math.min(stored, calendarLength - start);
  let values: Float32Array;
  if (headOnly) values = NO_VALUES;
  else if (LITTLE_ENDIAN_HOST && (bytes.byteOffset + 4) % 4 === 0) {
    values = new Float32Array(bytes.buffer, bytes.byteOffset + 4, count);
  } else {
    values = new Float32Array(count);
    for (let i = 0; i < count; i++) values[i] = view.getFloat32(4 + i * 4, true);
  }
  return { start, count, values, truncated: count < stored };
}

const NO_VALUES = new Float32Array(0);
