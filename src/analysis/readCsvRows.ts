import { CheckCode } from './checkCodes';
import { checkRowValues } from './checkRowValues';
import { bomLength, decodeText, type TextEncodingName } from './decodeText';
import type { Sampler } from './dayTrace';
import { resolveHeaderColumns } from './headerColumns';
import type { SymbolCounts } from './metricNames';
import { INVALID_NUMBER, parseNumberField } from './parseNumberField';
import { parseDateField } from './parseDateField';
import { ensureRowCapacity, sameRowValues } from './rowTable';
import { createFieldRanges, isBlankLine, scanCsvLine, type FieldRanges } from './scanCsvLine';
import type { SymbolWorkspace } from './symbolWorkspace';

export interface CsvReadOptions {
  /** Whether a day is on the calendar (the bundle's calendar.csv, or any weekday while the calendar is derived). */
  readonly isTradingDay: (day: number) => boolean;
  /** Sees the date of every row that has a readable one, while the calendar is derived from them. */
  readonly noteDay: ((day: number) => void) | null;
  readonly volumeUnit: 'share' | 'lot' | null;
  readonly amountUnit: 'yuan' | 'thousand_yuan' | null;
  /** The line number to report for each line of the bytes (rows split out of a long-form file). */
  readonly lineNumbers?: Uint32Array;
}

let fields: FieldRanges = createFieldRanges();

/**
 * Reads one symbol's CSV bytes (header line first) into the workspace, applying row checks 1–7 in precedence order:
 * 1 parse error (wrong column count, no date, a required number missing or not a number: the row is dropped, its
 * date still counts as present), 2 duplicate date (the first occurrence is kept), 3 off calendar, then 4–7.
 */
export function readCsvRows(
  bytes: Uint8Array,
  ws: SymbolWorkspace,
  options: CsvReadOptions,
  counts: SymbolCounts,
  sample: Sampler,
): { encoding: TextEncodingName; unsorted: boolean } {
  const { table, firstRowAt, validRowAt } = ws;
  const { lineNumbers, isTradingDay, noteDay } = options;
  // Header: the first non-blank line, decoded as UTF-8 or GB18030 (Chinese headers).
  let pos = bomLength(bytes);
  const end = bytes.length;
  let lineNo = 0;
  while (pos < end && isBlankLine(bytes, pos, end)) {
    pos = nextLine(bytes, pos, end);
    lineNo++;
  }
  const headerEnd = nextLine(bytes, pos, end);
  lineNo++;
  const decoded = decodeText(bytes.subarray(pos, headerEnd));
  const header = resolveHeaderColumns(decoded.text.replace(/\r?\n$/, '').split(','));
  pos = headerEnd;
  // Every header column needs a stored range, or a required column past the capacity would read as missing.
  if (header.fieldCount > fields.starts.length) fields = createFieldRanges(header.fieldCount);
  const lineAt = (n: number): number => (lineNumbers ? (lineNumbers[n - 1] ?? n) : n);
  if (header.missing.length > 0) {
    sample(CheckCode.MissingColumns, -1, lineAt(lineNo), `missing ${header.missing.join(', ')}`);
  }
  const ix = header.indexes;
  const usable = header.missing.length === 0;
  const units = {
    volumeMul: (options.volumeUnit ?? (header.tushareUnits ? 'lot' : 'share')) === 'lot' ? 100 : 1,
    amountMul: (options.amountUnit ?? (header.tushareUnits ? 'thousand_yuan' : 'yuan')) === 'thousand_yuan' ? 1000 : 1,
  };
  const declaresActions = ix.split >= 0 || ix.stock_dividend >= 0 || ix.dividend >= 0;
  let previousDay = -1;
  let unsorted = false;
  const field = (column: number): number =>
    column >= 0 && column < fields.count ? parseNumberField(bytes, fields.starts[column]!, fields.ends[column]!) : NaN;

  while (pos < end) {
    if (isBlankLine(bytes, pos, end)) {
      pos = nextLine(bytes, pos, end);
      lineNo++;
      continue;
    }
    pos = scanCsvLine(bytes, pos, end, fields);
    lineNo++;
    const line = lineAt(lineNo);
    counts.rows_written++;
    const dateCol = ix.date;
    const day =
      dateCol >= 0 && dateCol < fields.count
        ? parseDateField(bytes, fields.starts[dateCol]!, fields.ends[dateCol]!)
        : -1;
    const onCalendar = day >= 0 && isTradingDay(day);
    if (day >= 0) {
      if (day < previousDay) unsorted = true;
      previousDay = day;
      noteDay?.(day);
    }

    // 1. Parse error.
    const open = field(ix.open);
    const high = field(ix.high);
    const low = field(ix.low);
    const close = field(ix.close);
    const volume = field(ix.volume);
    if (
      !usable ||
      fields.count !== header.fieldCount ||
      day < 0 ||
      !(open > INVALID_NUMBER && high > INVALID_NUMBER && low > INVALID_NUMBER) ||
      !(close > INVALID_NUMBER && volume > INVALID_NUMBER)
    ) {
      counts.parse_error_rows++;
      if (onCalendar) ws.markPresent(day); // the day is not missing, only unreadable
      sample(CheckCode.ParseError, day, line, 'wrong column count, bad date or non-numeric required field');
      continue;
    }
    ensureRowCapacity(table);
    const row = table.length;
    table.day[row] = day;
    table.line[row] = line;
    table.open[row] = open;
    table.high[row] = high;
    table.low[row] = low;
    table.close[row] = close;
    table.volume[row] = volume;
    table.amount[row] = orMissing(field(ix.amount));
    table.preClose[row] = orMissing(field(ix.pre_close));
    table.factor[row] = orMissing(field(ix.adj_factor));
    if (declaresActions) {
      const split = orMissing(field(ix.split));
      const bonus = orMissing(field(ix.stock_dividend));
      const ratio = (split > 0 ? split : 1) * (bonus > 0 ? 1 + bonus : 1);
      table.split[row] = ratio === 1 ? NaN : ratio;
      table.dividend[row] = orMissing(field(ix.dividend));
    } else {
      table.split[row] = NaN;
      table.dividend[row] = NaN;
    }

    // 2. Duplicate date.
    const first = firstRowAt[day]!;
    if (first >= 0) {
      counts.duplicate_rows++;
      if (!sameRowValues(table, first, row)) {
        counts.conflicting_duplicates++;
        sample(CheckCode.ConflictingDuplicate, day, line, `differs from line ${table.line[first]}`);
      } else sample(CheckCode.DuplicateDate, day, line, `repeats line ${table.line[first]}`);
      continue;
    }
    table.length++;
    firstRowAt[day] = row;
    // 3. Off calendar (weekends never are trading days for CN-A; the calendar has none).
    if (!onCalendar) {
      counts.out_of_calendar_rows++;
      sample(CheckCode.OffCalendar, day, line, 'date is not a trading day');
      continue;
    }
    ws.markPresent(day);
    if (checkRowValues(table, row, units, counts, sample)) validRowAt[day] = row;
  }
  return { encoding: decoded.encoding, unsorted };
}

function nextLine(bytes: Uint8Array, pos: number, end: number): number {
  const at = bytes.indexOf(10, pos);
  return at < 0 || at >= end ? end : at + 1;
}

function orMissing(value: number): number {
  return value === INVALID_NUMBER ? NaN : value;
}
