import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StageContext } from '../stages/stageContext';
import { throwIfCancelled } from '../stages/stageContext';
import type { AnalyzerSetup, SymbolInfo } from './analyzerSetup';
import { createDirectoryTree, type BundleTree } from './bundleTree';
import { readByteRefSync } from './byteRef';
import { classifyDays, type DayFlag } from './classifyDays';
import type { SymbolAnalysis } from './createSymbolAnalyzer';
import type { DayCounts } from './dayCounts';
import { parseIsoDay, unionCalendar } from './dayNumbers';
import { locateBundle, type BundleLayout } from './locateBundle';
import {
  sumSymbolMetrics,
  type BundleFormat,
  type BundleTotals,
  type CalendarSource,
  type SymbolMetrics,
} from './metricNames';
import { readCalendarFile, readInstrumentsFile, readManifestUnits, readQlibCalendar } from './readSideFiles';
import { runSymbolJobs } from './runSymbolJobs';
import { spillLongForm } from './spillLongForm';
import type { SymbolJob } from './workerMessages';

export interface BundleAnalysis {
  readonly layout: BundleLayout;
  readonly format: BundleFormat;
  readonly calendarSource: CalendarSource;
  readonly encoding: 'utf-8' | 'gb18030';
  readonly calendar: Int32Array;
  readonly totals: BundleTotals;
  /** Per-symbol metrics, keyed by canonical symbol, in symbol order. */
  readonly symbols: Record<string, SymbolMetrics>;
  readonly delistedSymbols: readonly string[];
  readonly days: DayCounts;
  /** Calendar index → flags, within the bundle span. */
  readonly dayFlags: Map<number, DayFlag[]>;
  /** Calendar index range of the bundle span (first > last when no rows). */
  readonly span: { readonly first: number; readonly last: number };
}

export interface RunBundleOptions {
  readonly workers: number;
  /** Run the worker threads at a lower priority (the service, where an HTTP API shares the process). */
  readonly lowerPriority?: boolean;
  /** Called on the main thread for every analysed symbol (the place to write it). */
  readonly onSymbol?: (result: SymbolAnalysis) => void;
  /** Where a long-form bundle is split by symbol (a fresh directory inside it, removed afterwards); default os.tmpdir(). */
  readonly tempDir?: string;
}

/**
 * A bundle to analyse: a directory, a tree (an archive read in place), or a layout already located whose data files
 * arrive in reading order (a tar.gz streamed once), with the jobs made from them.
 */
export type BundleInput =
  | string
  | BundleTree
  | {
      readonly layout: BundleLayout;
      readonly jobs: (info: (symbol: string) => SymbolInfo) => AsyncIterable<SymbolJob>;
      readonly total: number | null;
    };

/**
 * Locates, reads and analyses a bundle (csv-daily or qlib binary); storage is left to `onSymbol`. Every data file is
 * read once: without calendar.csv the calendar is derived from the union of the dates while reading. A long-form
 * bundle is first split by symbol into temporary files, so memory stays flat for every layout.
 */
export async function runBundleAnalysis(
  bundle: BundleInput,
  ctx: StageContext,
  options: RunBundleOptions,
): Promise<BundleAnalysis> {
  if (typeof bundle === 'string' || 'list' in bundle) {
    const layout = await locateBundle(typeof bundle === 'string' ? createDirectoryTree(bundle) : bundle);
    if (layout.kind !== 'long') return analyzeLayout(layout, null, ctx, options, null);
    const spillDir = await mkdtemp(join(options.tempDir ?? tmpdir(), 'market-data-long-form-'));
    try {
      return await analyzeLayout(layout, null, ctx, options, spillDir);
    } finally {
      await rm(spillDir, { recursive: true, force: true });
    }
  }
  return analyzeLayout(bundle.layout, bundle, ctx, options, null);
}

async function analyzeLayout(
  layout: BundleLayout,
  streamed: Exclude<BundleInput, string | BundleTree> | null,
  ctx: StageContext,
  options: RunBundleOptions,
  spillDir: string | null,
): Promise<BundleAnalysis> {
  const csv = layout.format === 'csv-daily' ? layout : null;
  const units = csv?.manifest
    ? readManifestUnits(readByteRefSync(csv.manifest), ctx.log)
    : { volumeUnit: null, amountUnit: null };
  const instruments = csv?.instruments
    ? readInstrumentsFile(readByteRefSync(csv.instruments), ctx.log)
    : new Map<string, SymbolInfo>();
  const info = (symbol: string): SymbolInfo =>
    instruments.get(symbol) ?? { symbol, isSt: false, listDay: -1, delistDay: -1 };

  let bundleCalendar: Int32Array | null;
  if (layout.format === 'qlib-bin') bundleCalendar = readQlibCalendar(readByteRefSync(layout.calendar));
  else if (layout.calendar) bundleCalendar = readCalendarFile(readByteRefSync(layout.calendar), ctx.log);
  else {
    bundleCalendar = null;
    ctx.log(
      'WARNING',
      'The bundle has no calendar.csv; the calendar is the union of dates, so empty days cannot be seen.',
    );
  }
  const { jobs, total, datesSeen } = streamed
    ? { jobs: streamed.jobs(info), total: streamed.total, datesSeen: null }
    : await buildJobs(layout, info, ctx, spillDir);
  // A long-form bundle's split has seen every date, so its derived calendar is known before the analysis: then no
  // symbol waits for it, and memory stays flat however many rows there are.
  const derived = bundleCalendar === null && datesSeen !== null ? unionCalendar([datesSeen]) : null;
  const setup: AnalyzerSetup = { calendar: bundleCalendar ?? derived, ...units };

  const symbols: Record<string, SymbolMetrics> = {};
  let encoding: 'utf-8' | 'gb18030' = 'utf-8';
  let read = 0;
  // Files read in the units their rows showed rather than their headers': the first of them, and how many.
  const outvoted: { first: { symbol: string; units: string } | null; count: number } = { first: null, count: 0 };
  const step = total === null ? 100 : Math.max(1, Math.floor(total / 100));
  const report = (): void =>
    ctx.onProgress({
      done: read,
      total,
      unit: 'symbols',
      message: total === null ? `${read} symbols read` : `${read} of ${total} symbols`,
    });
  report();
  const run = await runSymbolJobs(
    setup,
    jobs,
    {
      workers: streamed && layout.format === 'qlib-bin' ? streamedQlibWorkers(options.workers) : options.workers,
      signal: ctx.signal,
      total,
      lowerPriority: options.lowerPriority,
      onRead: () => {
        read++;
        if (read % step === 0 || read === total) report();
      },
    },
    (result) => {
      symbols[result.symbol] = result.metrics;
      if (result.encoding === 'gb18030' && encoding !== 'gb18030') {
        encoding = 'gb18030';
        ctx.log('WARNING', `${result.symbol}: not valid UTF-8; decoded as GB18030.`);
      }
      if (result.unitsFromRows !== null) {
        outvoted.first ??= { symbol: result.symbol, units: result.unitsFromRows };
        outvoted.count++;
      }
      options.onSymbol?.(result);
    },
  );
  throwIfCancelled(ctx.signal, 'Analysis');
  if (outvoted.first !== null) {
    const { symbol, units } = outvoted.first;
    const more = outvoted.count - 1;
    const others = more > 0 ? ` (and ${more} more symbol${more === 1 ? '' : 's'})` : '';
    ctx.log(
      'WARNING',
      `${symbol}${others}: most rows show ${units}, not the units the header implies, so the rows were read in ` +
        "theirs (units declared in manifest.json's volume_unit and amount_unit are never overruled).",
    );
  }
  const { calendar, days } = run;

  const ordered: Record<string, SymbolMetrics> = {};
  for (const symbol of Object.keys(symbols).sort()) ordered[symbol] = symbols[symbol]!;
  const totals = sumSymbolMetrics(Object.values(ordered));
  const first = totals.first_date === null ? 0 : calendar.indexOf(parseIsoDay(totals.first_date));
  const last = totals.last_date === null ? -1 : calendar.indexOf(parseIsoDay(totals.last_date));

  // Delisted: ends before the bundle's last date, or instruments.csv gives a delist date. Late listed: starts after
  // the bundle's first date.
  const delistedSymbols: string[] = [];
  for (const [symbol, metrics] of Object.entries(ordered)) {
    if (metrics.first_date === null || metrics.last_date === null) continue;
    const delisted = metrics.last_date < totals.last_date! || (instruments.get(symbol)?.delistDay ?? -1) >= 0;
    if (delisted) delistedSymbols.push(symbol);
    if (metrics.first_date > totals.first_date!) totals.late_listed_symbols++;
  }
  totals.delisted_symbols = delistedSymbols.length;
  const dayFlags = classifyDays(days, first, last);
  for (const flags of dayFlags.values()) {
    if (flags.includes('empty')) totals.empty_calendar_days++;
    if (flags.includes('thin')) totals.thin_days++;
    if (flags.includes('frozen')) totals.frozen_days++;
  }
  return {
    layout,
    format: layout.format,
    calendarSource: bundleCalendar ? 'bundle' : 'derived',
    encoding,
    calendar,
    totals,
    symbols: ordered,
    delistedSymbols,
    days,
    dayFlags,
    span: { first, last },
  };
}

/**
 * Workers for a qlib bundle streamed out of a tar.gz. Its values are binary already, so analysing a symbol costs about
 * what streaming it costs the gunzip (thread pool) and tar (main thread) threads: with those two busy, one worker per
 * core left over, and at least one. On 2 cores a second worker only adds its start-up and compilation (5 M rows: 0.94×
 * the wall time of two workers; csv-daily, heavier per byte, is 1.47× slower on one).
 */
function streamedQlibWorkers(workers: number): number {
  return Math.min(workers, Math.max(1, availableParallelism() - 2));
}

async function buildJobs(
  layout: BundleLayout,
  info: (symbol: string) => SymbolInfo,
  ctx: StageContext,
  spillDir: string | null,
): Promise<{ jobs: SymbolJob[]; total: number; datesSeen: Uint8Array | null }> {
  let jobs: SymbolJob[];
  let datesSeen: Uint8Array | null = null;
  if (layout.format === 'qlib-bin') {
    jobs = layout.symbols.map((symbol) => ({
      kind: 'qlib',
      info: info(symbol.symbol),
      fields: symbol.fields.map((field) => ({ field: field.field, data: field.ref! })),
    }));
  } else if (spillDir === null) {
    jobs = layout.files.map((file) => ({ kind: 'csv', info: info(file.symbol ?? ''), data: file.ref! }));
  } else {
    const spilled = await spillLongForm(layout.files, spillDir, ctx);
    datesSeen = spilled.datesSeen;
    jobs = spilled.symbols.map((spill) => ({
      kind: 'csv',
      info: info(spill.symbol),
      data: spill.data,
      lines: spill.lines,
    }));
  }
  return { jobs, total: jobs.length, datesSeen };
}
