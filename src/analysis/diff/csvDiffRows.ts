import type { AnalyzerSetup } from '../analyzerSetup';
import { unitMultipliers, type CanonicalColumn } from '../headerColumns';
import { parseDateField } from '../parseDateField';
import { INVALID_NUMBER, parseNumberField } from '../parseNumberField';
import { readHeaderBlock } from '../readHeaderBlock';
import { createFieldRanges, scanCsvLine, type FieldRanges } from '../scanCsvLine';
import { DIFF_FIELDS, FACTOR, type DiffField } from './diffTypes';

export type CsvUnits = Pick<AnalyzerSetup, 'volumeUnit' | 'amountUnit'>;

/** How a csv-daily file's lines are read for the diff: the analysis's header aliases, units and field parsers. */
export interface CsvDiffHeader {
  /** Byte range of the header line (without its line break): equal headers mean equal lines are equal rows. */
  readonly headerStart: number;
  readonly headerEnd: number;
  /** First byte after the header line. */
  readonly bodyStart: number;
  readonly dateCol: number;
  /** Column of each of DIFF_FIELDS (-1 when absent). */
  readonly columns: Int32Array;
  readonly volumeMul: number;
  readonly amountMul: number;
  /** Adjusted prices with their factor (see HeaderColumns.pricesAdjusted): read back to raw ones, as the analysis does. */
  readonly pricesAdjusted: boolean;
  /** Field ranges of the line last scanned (sized for every header column). */
  readonly fields: FieldRanges;
}

const COLUMN_OF: Readonly<Record<DiffField, CanonicalColumn>> = {
  open: 'open',
  high: 'high',
  low: 'low',
  close: 'close',
  volume: 'volume',
  amount: 'amount',
  pre_close: 'pre_close',
  factor: 'adj_factor',
};

/** Reads the header as the analysis does (first non-blank line, UTF-8 or GB18030, aliases); null without a date column. */
export function readCsvDiffHeader(bytes: Uint8Array, units: CsvUnits): CsvDiffHeader | null {
  const { header, start, end, bodyStart } = readHeaderBlock(bytes);
  if (header.indexes.date < 0) return null;
  return {
    headerStart: start,
    headerEnd: end,
    bodyStart,
    dateCol: header.indexes.date,
    columns: Int32Array.from(DIFF_FIELDS, (field) => header.indexes[COLUMN_OF[field]]),
    ...unitMultipliers(header, units),
    pricesAdjusted: header.pricesAdjusted,
    fields: createFieldRanges(Math.max(64, header.fieldCount)),
  };
}

/**
 * The day number of a line's date, or -1 (blank line, no readable date). A date in the first column, unquoted, is
 * read without splitting the rest of the line.
 */
export function lineDay(bytes: Uint8Array, start: number, end: number, header: CsvDiffHeader): number {
  if (start >= end || (end - start === 1 && bytes[start] === 13)) return -1;
  if (header.dateCol === 0 && bytes[start] !== 34) {
    let comma = start;
    while (comma < end && bytes[comma] !== 44) comma++;
    const fieldEnd = comma === end && bytes[end - 1] === 13 ? end - 1 : comma;
    return parseDateField(bytes, start, fieldEnd);
  }
  const { fields } = header;
  scanCsvLine(bytes, start, end, fields);
  return header.dateCol < fields.count
    ? parseDateField(bytes, fields.starts[header.dateCol]!, fields.ends[header.dateCol]!)
    : -1;
}

/**
 * Parses a line's DIFF_FIELDS into `out` (NaN where a column is absent or empty, -Infinity where it is not a number),
 * with the units applied; returns the factor's rounding as written (half a unit of its last decimal; 0 for an integer
 * or no factor). Adjusted prices are read back to raw ones (÷ factor, volume × factor), and `tol` gets how far each
 * raw value may be off from the rounding of the adjusted one (0 for values read as written).
 */
export function readLineValues(
  bytes: Uint8Array,
  start: number,
  end: number,
  header: CsvDiffHeader,
  out: Float64Array,
  tol: Float64Array,
): number {
  const { fields, columns } = header;
  scanCsvLine(bytes, start, end, fields);
  let factorTol = 0;
  for (let i = 0; i < DIFF_FIELDS.length; i++) {
    tol[i] = 0;
    const column = columns[i]!;
    if (column < 0 || column >= fields.count) {
      out[i] = NaN;
      continue;
    }
    const from = fields.starts[column]!;
    const to = fields.ends[column]!;
    const value = parseNumberField(bytes, from, to);
    out[i] = value === INVALID_NUMBER ? value : value * (i === 4 ? header.volumeMul : i === 5 ? header.amountMul : 1);
    if (i === FACTOR) factorTol = roundingOf(bytes, from, to);
    else if (header.pricesAdjusted) tol[i] = roundingOf(bytes, from, to) * (i === 4 ? header.volumeMul : 1);
  }
  const factor = out[FACTOR]!;
  if (header.pricesAdjusted && factor > 0 && factor < Infinity) {
    for (const i of PRICE_FIELDS) {
      out[i] = out[i]! / factor;
      tol[i] = tol[i]! / factor;
    }
    out[VOLUME] = out[VOLUME]! * factor;
    tol[VOLUME] = tol[VOLUME]! * factor;
  }
  return factorTol;
}

const PRICE_FIELDS = (['open', 'high', 'low', 'close', 'pre_close'] as const).map((field) =>
  DIFF_FIELDS.indexOf(field),
);
const VOLUME = DIFF_FIELDS.indexOf('volume');

/** Half a unit of the last decimal written (`1.234` → 0.0005); 0 for an integer, which is taken as exact. */
function roundingOf(bytes: Uint8Array, start: number, end: number): number {
  let decimals = -1;
  for (let i = start; i < end; i++) {
    const b = bytes[i];
    if (b === 101 || b === 69) break; // an exponent: digits after the point no longer say the rounding
    if (decimals >= 0) decimals++;
    else if (b === 46) decimals = 0;
  }
  return decimals > 0 ? 0.5 * 10 ** -decimals : 0;
}
