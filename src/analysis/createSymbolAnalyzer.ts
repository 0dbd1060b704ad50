import { createCalendarIndex, type AnalyzerSetup, type CalendarIndex, type SymbolInfo } from './analyzerSetup';
import { CheckCode, type SampledIssue } from './checkCodes';
import { checkSymbolSequence, type SequenceResult } from './checkSymbolSequence';
import { createIssueSampler, type SymbolIssues } from './createIssueSampler';
import { createDayCounts, type DayCounts } from './dayCounts';
import { fillLimitPercents } from './fillLimitPercents';
import { createIssueNotes, flushIssueNotes } from './issueNotes';
import { DAY_LIMIT, formatDayNumber, isWeekday } from './dayNumbers';
import type { TextEncodingName } from './decodeText';
import { packTrace, unpackTrace, type PackedTrace } from './dayTrace';
import { ipoFreeDaysFor, ruleSetFor, symbolLimitSteps } from './limitRules';
import type { IpoWindow } from './placeOnCalendar';
import {
  createEmptySymbolCounts,
  toSymbolMetrics,
  type RuleSet,
  type SymbolCountMetric,
  type SymbolCounts,
  type SymbolMetrics,
} from './metricNames';
import { placeOnCalendar } from './placeOnCalendar';
import { readQlibRows, type QlibFieldBytes } from './qlib/readQlibRows';
import { readCsvRows } from './readCsvRows';
import { boardForSymbol, type Board } from './symbolCodes';
import { createSymbolWorkspace } from './symbolWorkspace';

export interface SymbolAnalysis {
  readonly symbol: string;
  readonly board: Board;
  readonly isSt: boolean;
  readonly ruleSet: RuleSet;
  readonly encoding: TextEncodingName;
  /** A CSV file read in the units its rows showed rather than its header's (see unitsFromRows): those units. */
  readonly unitsFromRows: string | null;
  readonly metrics: SymbolMetrics;
  readonly maxStaleRun: number;
  readonly issues: SampledIssue[];
}

export interface SymbolAnalyzer {
  /**
   * Runs every check over one symbol's CSV bytes (header line first). `lineNumbers`, when given, holds the line number
   * to report for each line (rows split out of a long-form file). Returns null while the calendar is derived.
   */
  analyzeCsv(info: SymbolInfo, bytes: Uint8Array, lineNumbers?: Uint32Array): SymbolAnalysis | null;
  /** Runs every check the qlib binary format can express over one symbol's `<field>.day.bin` files. */
  analyzeQlib(info: SymbolInfo, fields: ReadonlyMap<string, QlibFieldBytes>): SymbolAnalysis;
  /** Weekday dates seen so far (a byte per day number), the stuff a derived calendar is made of. */
  readonly seenDays: Uint8Array;
  /** With a derived calendar: places every waiting symbol on `calendar` and returns them in the order read. */
  finish(calendar: Int32Array): SymbolAnalysis[];
  /** Per-day tallies accumulated over every symbol placed on the calendar so far (null before it is known). */
  days(): DayCounts | null;
}

interface Pending {
  readonly info: SymbolInfo;
  readonly board: Board;
  readonly encoding: TextEncodingName;
  readonly unitsFromRows: string | null;
  readonly counts: SymbolCounts;
  readonly notApplicable: readonly SymbolCountMetric[];
  readonly sequence: SequenceResult;
  readonly ipo: IpoWindow | null;
  readonly issues: SymbolIssues;
}

/** A symbol waiting for a derived calendar, with its trace packed. */
interface Waiting {
  readonly pending: Omit<Pending, 'sequence'> & { readonly sequence: Omit<SequenceResult, 'trace'> };
  readonly trace: PackedTrace;
}

/**
 * Creates an analyzer that owns reusable per-symbol buffers and the per-day tallies. A symbol is read once: the row
 * checks and the sequential checks need no calendar beyond knowing which days trade, so with a derived calendar each
 * symbol keeps only its compact day trace until `finish` places it on the union of every file's dates.
 */
export function createSymbolAnalyzer(setup: AnalyzerSetup): SymbolAnalyzer {
  const ws = createSymbolWorkspace();
  const seenDays = new Uint8Array(DAY_LIMIT);
  let calendar: CalendarIndex | null = setup.calendar ? createCalendarIndex(setup.calendar) : null;
  let dayCounts: DayCounts | null = setup.calendar ? createDayCounts(setup.calendar.length) : null;
  const waiting: Waiting[] = [];
  const sampler = createIssueSampler();
  const sample = sampler.sample;
  // The checks note what they meet (see issueNotes.ts); the notes become samples here, after each stage of a symbol
  // and before anything is sampled directly or the symbol waits for a derived calendar.
  const notes = createIssueNotes(sample);
  // Which days trade, by day number: the calendar's days, or every weekday while the calendar is derived.
  const tradingDays = new Uint8Array(DAY_LIMIT);
  if (setup.calendar) for (const day of setup.calendar) tradingDays[day] = 1;
  else for (let day = 0; day < DAY_LIMIT; day++) tradingDays[day] = isWeekday(day) ? 1 : 0;

  function begin(info: SymbolInfo) {
    ws.reset();
    const issues = sampler.begin(info.symbol);
    return { issues, counts: createEmptySymbolCounts(), board: boardForSymbol(info.symbol) };
  }

  function sequence(info: SymbolInfo, board: Board, counts: SymbolCounts, splitsInPrices: boolean) {
    // Without a listing date (qlib binary, or no instruments.csv) a symbol is taken to have listed on its first day;
    // placeOnCalendar drops that guess when the first day is the calendar's first (the data simply starts there).
    const inferred = info.listDay < 0;
    const listDay = inferred ? ws.minDay : info.listDay;
    const freeDays = listDay >= 0 && listDay <= ws.maxDay ? ipoFreeDaysFor(board, listDay) : 0;
    const ipo = freeDays > 0 ? { listDay, freeDays, inferred } : null;
    fillLimitPercents(ws.limitPercents, ws.minDay, ws.maxDay, symbolLimitSteps(board, info.isSt), ws.table);
    const result = checkSymbolSequence({
      table: ws.table,
      presentAt: ws.presentAt,
      validRowAt: ws.validRowAt,
      minDay: ws.minDay,
      maxDay: ws.maxDay,
      limitPercents: ws.limitPercents,
      genericLimit: board === 'other',
      splitsInPrices,
      ipo,
      counts,
      notes,
    });
    return { result, ipo };
  }

  function complete(pending: Pending, cal: CalendarIndex, days: DayCounts): SymbolAnalysis {
    const { trace, deferred, maxStaleRun } = pending.sequence;
    const { counts, info } = pending;
    sampler.use(pending.issues);
    placeOnCalendar({ trace, deferred, ipo: pending.ipo, calendar: cal, counts, days, notes });
    flushIssueNotes(notes);
    const dates = {
      first: trace.days.length > 0 ? formatDayNumber(trace.days[0]!) : null,
      last: trace.days.length > 0 ? formatDayNumber(trace.days[trace.days.length - 1]!) : null,
    };
    const ruleSet = ruleSetFor(pending.board);
    return {
      symbol: info.symbol,
      board: pending.board,
      isSt: info.isSt,
      ruleSet,
      encoding: pending.encoding,
      unitsFromRows: pending.unitsFromRows,
      metrics: toSymbolMetrics(counts, dates, ruleSet, pending.notApplicable),
      maxStaleRun,
      issues: pending.issues.issues,
    };
  }

  function settle(pending: Pending): SymbolAnalysis | null {
    if (calendar && dayCounts) return complete(pending, calendar, dayCounts);
    const { trace, ...sequence } = pending.sequence;
    waiting.push({ pending: { ...pending, sequence }, trace: packTrace(trace) });
    return null;
  }

  return {
    analyzeCsv(info, bytes, lineNumbers) {
      const { issues, counts, board } = begin(info);
      const read = readCsvRows(
        bytes,
        ws,
        {
          tradingDays,
          seenDays: setup.calendar ? null : seenDays,
          volumeUnit: setup.volumeUnit,
          amountUnit: setup.amountUnit,
          lineNumbers,
        },
        counts,
        notes,
      );
      flushIssueNotes(notes);
      if (read.unsorted) {
        counts.unsorted = 1;
        sample(CheckCode.UnsortedFile, -1, 0, 'rows are not in ascending date order');
      }
      const { result, ipo } = sequence(info, board, counts, read.splitsInPrices);
      flushIssueNotes(notes);
      const { encoding, unitsFromRows } = read;
      return settle({ info, board, encoding, unitsFromRows, counts, notApplicable: [], sequence: result, ipo, issues });
    },
    analyzeQlib(info, fields) {
      if (!calendar || !dayCounts) throw new Error('A qlib bundle always carries its calendar.');
      const { issues, counts, board } = begin(info);
      const read = readQlibRows(fields, calendar.days, ws, counts, notes);
      const { result, ipo } = sequence(info, board, counts, false);
      flushIssueNotes(notes);
      const notApplicable = read.notApplicable;
      return complete(
        { info, board, encoding: 'utf-8', unitsFromRows: null, counts, notApplicable, sequence: result, ipo, issues },
        calendar,
        dayCounts,
      );
    },
    seenDays,
    finish(derived) {
      calendar = createCalendarIndex(derived);
      dayCounts = createDayCounts(derived.length);
      const cal = calendar;
      const days = dayCounts;
      return waiting
        .splice(0)
        .map(({ pending, trace }) =>
          complete({ ...pending, sequence: { ...pending.sequence, trace: unpackTrace(trace) } }, cal, days),
        );
    },
    days: () => dayCounts,
  };
}
