import { CheckCode } from './checkCodes';
import { unitsFromRows } from './amountDecades';
import { checkRowValues } from './checkRowValues';
import type { TextEncodingName } from './decodeText';
import { unitMultipliers } from './headerColumns';
import { Note, noteIssue, type IssueNotes } from './issueNotes';
import type { SymbolCounts } from './metricNames';
import { INVALID_NUMBER, parseNumberField } from './parseNumberField';
import { parseDateField } from './parseDateField';
import { rawPriceOf, rawScale, rawVolumeOf } from './rawValues';
import { readHeaderBlock } from './readHeaderBlock';
import { ensureRowCapacity, sameRowValues, type RowTable } from './rowTable';
import { createFieldRanges, isBlankLine, lineEnd, scanCsvLine, type FieldRanges } from './scanCsvLine';
import type { SymbolWorkspace } from './symbolWorkspace';

export interface CsvReadOptions {
  /** By day number, 1 for a day on the calendar (the bundle's calendar.csv, or any weekday while it is derived). */
  readonly tradingDays: Uint8Array;
  /** While the calendar is derived: marks by day number every trading day a row has (its date readable). */
  readonly seenDays: Uint8Array | null;
  readonly volumeUnit: 'share' | 'lot' | null;
  readonly amountUnit: 'yuan' | 'thousand_yuan' | null;
  /** The line number to report for each line of the bytes (rows split out of a long-form file). */
  readonly lineNumbers?: Uint32Array;
}

/** What reading a file found beyond its rows. */
export interface CsvRead {
  readonly encoding: TextEncodingName;
  readonly unsorted: boolean;
  readonly splitsInPrices: boolean;
  /** The units the file's rows showed when they outvoted its header's (see unitsFromRows), else null. */
  readonly unitsFromRows: string | null;
}

let fields: FieldRanges = createFieldRanges();

/**
 * Reads one symbol's CSV bytes (header line first) into the workspace, applying row checks 1–7 in precedence order:
 * 1 parse error (wrong column count, no date, a required number missing or not a number: the row is dropped, its
 * date still counts as present), 2 duplicate date (the first occurrence is kept), 3 off calendar, then 4–7 on the
 * rows that remain (checkRowValues).
 */
export function readCsvRows(
  bytes: Uint8Array,
  ws: SymbolWorkspace,
  options: CsvReadOptions,
  counts: SymbolCounts,
  notes: IssueNotes,
): CsvRead {
  const { table, firstRowAt, validRowAt } = ws;
  const { lineNumbers, tradingDays, seenDays } = options;
  const block = readHeaderBlock(bytes);
  const { header } = block;
  const end = bytes.length;
  let pos = block.bodyStart;
  let lineNo = block.lines;
  // Every header column needs a stored range, or a required column past the capacity would read as missing.
  if (header.fieldCount > fields.starts.length) fields = createFieldRanges(header.fieldCount);
  const lineAt = (n: number): number => (lineNumbers ? (lineNumbers[n - 1] ?? n) : n);
  if (header.missing.length > 0) {
    notes.sample(CheckCode.MissingColumns, -1, lineAt(lineNo), `missing ${header.missing.join(', ')}`);
  }
  const ix = header.indexes;
  const usable = header.missing.length === 0;
  // Column indexes and the field ranges as locals: the loop below runs once per row.
  const [dateCol, openCol, highCol, lowCol, closeCol, volumeCol] = [
    ix.date,
    ix.open,
    ix.high,
    ix.low,
    ix.close,
    ix.volume,
  ];
  const [amountCol, preCloseCol, factorCol] = [ix.amount, ix.pre_close, ix.adj_factor];
  const [splitCol, bonusCol, dividendCol] = [ix.split, ix.stock_dividend, ix.dividend];
  const declaresActions = splitCol >= 0 || bonusCol >= 0 || dividendCol >= 0;
  const stCol = ix.is_st;
  const ranges = fields;
  const { starts, ends } = ranges;
  let previousDay = -1;
  let unsorted = false;
  // Rows that met checks 1–3, as events counted in locals and noted after the loop: like the other per-row loops this
  // one has no branch of its own for a rare case (see sequenceEvents.ts).
  let events = csvEvents;
  let kept = 0;
  let parseErrors = 0;
  let duplicates = 0;
  let conflicts = 0;
  let offCalendarRows = 0;
  const field = (column: number): number =>
    column >= 0 && column < ranges.count ? parseNumberField(bytes, starts[column]!, ends[column]!) : NaN;

  while (pos < end) {
    if (isBlankLine(bytes, pos, end)) {
      pos = lineEnd(bytes, pos) + 1;
      lineNo++;
      continue;
    }
    pos = scanCsvLine(bytes, pos, end, ranges);
    lineNo++;
    const line = lineAt(lineNo);
    counts.rows_written++;
    const day = dateCol >= 0 && dateCol < ranges.count ? parseDateField(bytes, starts[dateCol]!, ends[dateCol]!) : -1;
    const onCalendar = day >= 0 && tradingDays[day] === 1;
    if (day >= 0) {
      if (day < previousDay) unsorted = true;
      previousDay = day;
      if (seenDays !== null && onCalendar) seenDays[day] = 1;
    }

    // 1. Parse error: the row is dropped, its date still counts as present.
    const open = field(openCol);
    const high = field(highCol);
    const low = field(lowCol);
    const close = field(closeCol);
    const volume = field(volumeCol);
    const bad =
      !usable ||
      ranges.count !== header.fieldCount ||
      day < 0 ||
      !(open > INVALID_NUMBER && high > INVALID_NUMBER && low > INVALID_NUMBER) ||
      !(close > INVALID_NUMBER && volume > INVALID_NUMBER)
        ? 1
        : 0;
    // Every row is written to the table's next slot; only a row that stays moves the table's end past it.
    ensureRowCapacity(table);
    const row = table.length;
    table.day[row] = day;
    table.line[row] = line;
    table.open[row] = open;
    table.high[row] = high;
    table.low[row] = low;
    table.close[row] = close;
    table.volume[row] = volume;
    table.amount[row] = orMissing(field(amountCol));
    table.preClose[row] = orMissing(field(preCloseCol));
    table.factor[row] = orMissing(field(factorCol));
    table.st[row] = orMissing(field(stCol));
    if (declaresActions) {
      const split = orMissing(field(splitCol));
      const bonus = orMissing(field(bonusCol));
      const ratio = (split > 0 ? split : 1) * (bonus > 0 ? 1 + bonus : 1);
      table.split[row] = ratio === 1 ? NaN : ratio;
      table.dividend[row] = orMissing(field(dividendCol));
    } else {
      table.split[row] = NaN;
      table.dividend[row] = NaN;
    }

    // 2. Duplicate date: the first row that day stays. 3. Off calendar: weekends never are trading days for CN-A.
    const slot = day >= 0 ? day : 0;
    const first = bad === 0 ? firstRowAt[slot]! : -1;
    const duplicate = first >= 0 ? 1 : 0;
    const conflicting = duplicate & (sameRowValues(table, first >= 0 ? first : row, row) ? 0 : 1);
    const stays = (1 - bad) & (1 - duplicate);
    table.length += stays;
    firstRowAt[slot] = stays === 1 ? row : firstRowAt[slot]!;
    const offCalendar = stays & (onCalendar ? 0 : 1);
    if (onCalendar && duplicate === 0) ws.markPresent(day);
    parseErrors += bad;
    duplicates += duplicate;
    conflicts += conflicting;
    offCalendarRows += offCalendar;
    const kind = bad | (duplicate << 1) | (conflicting << 2) | (offCalendar << 3);
    if (kept === events.kind.length) events = growCsvEvents(kept * 2);
    events.kind[kept] = kind;
    events.day[kept] = day;
    events.line[kept] = line;
    events.first[kept] = first;
    kept += kind !== 0 ? 1 : 0;
  }
  counts.parse_error_rows += parseErrors;
  counts.duplicate_rows += duplicates;
  counts.conflicting_duplicates += conflicts;
  counts.out_of_calendar_rows += offCalendarRows;
  noteCsvEvents(events, kept, table, notes);
  if (header.pricesAdjusted) toRawPrices(table);
  // Units manifest.json declares are taken as they are; otherwise the rows may outvote the header's.
  const headerUnits = unitMultipliers(header, options);
  const declared = options.volumeUnit !== null || options.amountUnit !== null;
  const { units, outvoted } = declared ? { units: headerUnits, outvoted: null } : unitsFromRows(table, headerUnits);
  checkRowValues(table, 0, tradingDays, validRowAt, units, counts, notes);
  return { encoding: block.encoding, unsorted, splitsInPrices: header.splitsInPrices, unitsFromRows: outvoted };
}

/** Rows that met checks 1–3: kind bits (1 parse error, 2 duplicate, 4 conflicting, 8 off calendar), day, line. */
interface CsvEvents {
  readonly kind: Int32Array;
  readonly day: Int32Array;
  readonly line: Int32Array;
  /** For a duplicate: the row that stays that day. */
  readonly first: Int32Array;
}

// Reused from one file to the next (each thread has its own module state).
let csvEvents = createCsvEvents(1024);

/**
 * Adjusted prices back to raw ones, as the exchange traded them (the limits apply to those): prices ÷ factor and
 * volume × factor, rounded as the qlib reader does (see rawValues). A row without a usable factor takes the one before it in
 * the file (the first usable one for the rows before any).
 */
function toRawPrices(table: RowTable): void {
  const { open, high, low, close, preClose, volume, factor } = table;
  let f = NaN;
  for (let row = 0; row < table.length && !(f > 0 && f < Infinity); row++) f = factor[row]!;
  if (!(f > 0 && f < Infinity)) return;
  for (let row = 0; row < table.length; row++) {
    const own = factor[row]!;
    f = own > 0 && own < Infinity ? own : f;
    factor[row] = f;
    const scale = rawScale(f);
    open[row] = rawPriceOf(open[row]!, scale);
    high[row] = rawPriceOf(high[row]!, scale);
    low[row] = rawPriceOf(low[row]!, scale);
    close[row] = rawPriceOf(close[row]!, scale);
    preClose[row] = rawPriceOf(preClose[row]!, scale);
    volume[row] = rawVolumeOf(volume[row]!, f);
  }
}

function createCsvEvents(capacity: number): CsvEvents {
  return {
    kind: new Int32Array(capacity),
    day: new Int32Array(capacity),
    line: new Int32Array(capacity),
    first: new Int32Array(capacity),
  };
}

function growCsvEvents(capacity: number): CsvEvents {
  const grown = createCsvEvents(capacity);
  grown.kind.set(csvEvents.kind);
  grown.day.set(csvEvents.day);
  grown.line.set(csvEvents.line);
  grown.first.set(csvEvents.first);
  csvEvents = grown;
  return grown;
}

function noteCsvEvents(events: CsvEvents, count: number, table: RowTable, notes: IssueNotes): void {
  for (let i = 0; i < count; i++) {
    const kind = events.kind[i]!;
    const day = events.day[i]!;
    const line = events.line[i]!;
    if ((kind & 1) !== 0) noteIssue(notes, Note.ParseError, day, line);
    else if ((kind & 2) !== 0) {
      const firstLine = table.line[events.first[i]!]!;
      noteIssue(notes, (kind & 4) !== 0 ? Note.ConflictingDuplicate : Note.DuplicateDate, day, line, firstLine);
    } else noteIssue(notes, Note.OffCalendar, day, line);
  }
}

function orMissing(value: number): number {
  return value === INVALID_NUMBER ? NaN : value;
}
