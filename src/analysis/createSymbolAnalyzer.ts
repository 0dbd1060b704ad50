import { createCalendarIndex, type AnalyzerSetup, type SymbolInfo } from './analyzerSetup';
import { CheckCode, ISSUE_SAMPLES_PER_CHECK, type SampledIssue } from './checkCodes';
import { checkSymbolSequence } from './checkSymbolSequence';
import { createDayCounts, type DayCounts } from './dayCounts';
import { bomLength, decodeText, type TextEncodingName } from './decodeText';
import { formatDayNumber } from './dayNumbers';
import { resolveHeaderColumns } from './headerColumns';
import { createEmptySymbolMetrics, type SymbolMetrics } from './metricNames';
import { INVALID_NUMBER, parseNumberField } from './parseNumberField';
import { parseDateField } from './parseDateField';
import { createRowTable, ensureRowCapacity, sameRowValues } from './rowTable';
import { createFieldRanges, isBlankLine, scanCsvLine } from './scanCsvLine';
import { boardForSymbol, type Board } from './symbolCodes';
import { ipoFreeDaysFor } from './limitRules';

export interface SymbolAnalysis {
  readonly symbol: string;
  readonly board: Board;
  readonly isSt: boolean;
  readonly encoding: TextEncodingName;
  readonly metrics: SymbolMetrics;
  readonly maxStaleRun: number;
  readonly issues: SampledIssue[];
}

export interface SymbolAnalyzer {
  /**
   * Runs every per-row and per-symbol check over one symbol's CSV bytes (header line first). `lineNumbers`, when
   * given, holds the line number to report for each line of `bytes` (rows split out of a long-form file).
   */
  analyze(info: SymbolInfo, bytes: Uint8Array, lineNumbers?: Uint32Array): SymbolAnalysis;
  /** Per-day tallies accumulated over every symbol analysed so far. */
  readonly days: DayCounts;
}

/**
 * Creates an analyzer that owns reusable per-symbol buffers and the per-day tallies. Rows go through the row checks
 * 1–7 in precedence order (a row counts only for the first check it fails); the sequential checks then walk the valid
 * rows in calendar order, so an unsorted file needs no sort.
 */
export function createSymbolAnalyzer(setup: AnalyzerSetup): SymbolAnalyzer {
  const calendar = createCalendarIndex(setup.calendar);
  const calLength = setup.calendar.length;
  const days = createDayCounts(calLength);
  const table = createRowTable();
  let fields = createFieldRanges();
  const presentAt = new Uint8Array(calLength);
  const validRowAt = new Int32Array(calLength).fill(-1);
  const firstRowAt = new Int32Array(calLength).fill(-1);

  function analyze(info: SymbolInfo, bytes: Uint8Array, lineNumbers?: Uint32Array): SymbolAnalysis {
    const metrics = createEmptySymbolMetrics();
    const issues: SampledIssue[] = [];
    const sampled = new Map<CheckCode, number>();
    const sample = (check: CheckCode, day: number, line: number, detail: string): void => {
      const count = sampled.get(check) ?? 0;
      if (count >= ISSUE_SAMPLES_PER_CHECK) return;
      sampled.set(check, count + 1);
      issues.push({ symbol: info.symbol, day, check, line, detail });
    };

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
    const volumeMul = (setup.volumeUnit ?? (header.tushareUnits ? 'lot' : 'share')) === 'lot' ? 100 : 1;
    const amountMul =
      (setup.amountUnit ?? (header.tushareUnits ? 'thousand_yuan' : 'yuan')) === 'thousand_yuan' ? 1000 : 1;
    const { dayToIndex, firstDay } = calendar;
    const span = dayToIndex.length;
    const offCalendarFirst = new Map<number, number>();
    table.length = 0;
    let minPresent = calLength;
    let maxPresent = -1;
    let previousDay = -1;
    let unsorted = false;

    const markPresent = (cal: number): void => {
      presentAt[cal] = 1;
      if (cal < minPresent) minPresent = cal;
      if (cal > maxPresent) maxPresent = cal;
    };
    const field = (column: number): number =>
      column >= 0 && column < fields.count
        ? parseNumberField(bytes, fields.starts[column]!, fields.ends[column]!)
        : NaN;

    while (pos < end) {
      if (isBlankLine(bytes, pos, end)) {
        pos = nextLine(bytes, pos, end);
        lineNo++;
        continue;
      }
      const next = scanCsvLine(bytes, pos, end, fields);
      lineNo++;
      const line = lineNumbers === undefined ? lineNo : (lineNumbers[lineNo - 1] ?? lineNo);
      pos = next;
      metrics.rows_written++;
      const dateCol = ix.date;
      const day =
        dateCol >= 0 && dateCol < fields.count
          ? parseDateField(bytes, fields.starts[dateCol]!, fields.ends[dateCol]!)
          : -1;
      const rel = day - firstDay;
      const cal = day >= 0 && rel >= 0 && rel < span ? dayToIndex[rel]! : -1;
      if (day >= 0) {
        if (day < previousDay) unsorted = true;
        previousDay = day;
      }

      // 1. Parse error: wrong column count, no date, or a required number that is missing or not a number.
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
        metrics.parse_error_rows++;
        if (cal >= 0) markPresent(cal); // the day is not missing, only unreadable
        sample(CheckCode.ParseError, day, line, 'wrong column count, bad date or non-numeric required field');
        continue;
      }
      ensureRowCapacity(table);
      const row = table.length;
      table.day[row] = day;
      table.calIdx[row] = cal;
      table.line[row] = line;
      table.open[row] = open;
      table.high[row] = high;
      table.low[row] = low;
      table.close[row] = close;
      table.volume[row] = volume;
      table.amount[row] = orMissing(field(ix.amount));
      table.preClose[row] = orMissing(field(ix.pre_close));
      table.factor[row] = orMissing(field(ix.adj_factor));

      // 2. Duplicate date: the first occurrence is kept; later ones are only counted.
      const first = cal >= 0 ? firstRowAt[cal]! : (offCalendarFirst.get(day) ?? -1);
      if (first >= 0) {
        metrics.duplicate_rows++;
        if (!sameRowValues(table, first, row)) {
          metrics.conflicting_duplicates++;
          sample(CheckCode.ConflictingDuplicate, day, line, `differs from line ${table.line[first]}`);
        } else sample(CheckCode.DuplicateDate, day, line, `repeats line ${table.line[first]}`);
        continue;
      }
      table.length++;
      // 3. Off calendar (weekends never are trading days for CN-A; the calendar has none).
      if (cal < 0) {
        offCalendarFirst.set(day, row);
        metrics.out_of_calendar_rows++;
        sample(CheckCode.OffCalendar, day, line, 'date is not a trading day');
        continue;
      }
      firstRowAt[cal] = row;
      markPresent(cal);
      // 4. Non-positive price: dropped from everything after.
      if (!(open > 0 && high > 0 && low > 0 && close > 0)) {
        metrics.non_positive_price_rows++;
        sample(CheckCode.NonPositivePrice, day, line, `o=${open} h=${high} l=${low} c=${close}`);
        continue;
      }
      validRowAt[cal] = row;
      // 5–7 are exclusive: an OHLC violation is not also judged on VWAP, and zero volume only counts when 5 passed.
      if (high < (open > close ? open : close) || low > (open < close ? open : close) || high < low) {
        metrics.ohlc_violations++;
        sample(CheckCode.OhlcViolation, day, line, `o=${open} h=${high} l=${low} c=${close}`);
      } else if (volume > 0) {
        const amount = table.amount[row];
        if (amount === amount) {
          const vwap = (amount * amountMul) / (volume * volumeMul);
          if (vwap < low * 0.99 - 0.01 || vwap > high * 1.01 + 0.01) {
            metrics.vwap_out_of_range_rows++;
            sample(CheckCode.VwapOutOfRange, day, line, `vwap ${vwap} outside [${low}, ${high}]`);
          }
        }
      } else if (volume === 0) {
        metrics.zero_volume_rows++;
        if (open === high && high === low && low === close) {
          metrics.suspended_fill_rows++;
          sample(CheckCode.SuspendedFill, day, line, `o=h=l=c=${close}, volume 0`);
        } else sample(CheckCode.ZeroVolume, day, line, 'volume 0');
      }
    }

    if (unsorted) {
      metrics.unsorted = 1;
      sample(CheckCode.UnsortedFile, -1, 0, 'rows are not in ascending date order');
    }
    const board = boardForSymbol(info.symbol);
    let maxStaleRun = 0;
    if (maxPresent >= 0) {
      metrics.first_date = formatDayNumber(setup.calendar[minPresent]!);
      metrics.last_date = formatDayNumber(setup.calendar[maxPresent]!);
      maxStaleRun = checkSymbolSequence({
        table,
        presentAt,
        validRowAt,
        minPresent,
        maxPresent,
        limitPercents: calendar.limitPercents(board, info.isSt),
        genericLimit: board === 'other',
        ipoFreeUntil: ipoFreeUntil(info, board, calendar),
        metrics,
        days,
        sample,
      });
      // Reset only what this symbol touched, so per-symbol cost does not scale with the calendar.
      presentAt.fill(0, minPresent, maxPresent + 1);
      validRowAt.fill(-1, minPresent, maxPresent + 1);
      firstRowAt.fill(-1, minPresent, maxPresent + 1);
    }
    return { symbol: info.symbol, board, isSt: info.isSt, encoding: decoded.encoding, metrics, maxStaleRun, issues };
  }

  return { analyze, days };
}

function nextLine(bytes: Uint8Array, pos: number, end: number): number {
  const at = bytes.indexOf(10, pos);
  return at < 0 || at >= end ? end : at + 1;
}

function orMissing(value: number): number {
  return value === INVALID_NUMBER ? NaN : value;
}

/** Calendar index before which the IPO no-limit window applies (-1: none). */
function ipoFreeUntil(info: SymbolInfo, board: Board, calendar: ReturnType<typeof createCalendarIndex>): number {
  if (info.listDay < 0) return -1;
  const listIndex = calendar.indexOnOrAfter(info.listDay);
  if (listIndex < 0) return -1;
  const free = ipoFreeDaysFor(board, info.listDay);
  return free > 0 ? listIndex + free : -1;
}
