import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StageContext } from '../stages/stageContext';
import { throwIfCancelled } from '../stages/stageContext';
import type { AnalyzerSetup, SymbolInfo } from './analyzerSetup';
import { classifyDays, type DayFlag } from './classifyDays';
import type { SymbolAnalysis } from './createSymbolAnalyzer';
import type { DayCounts } from './dayCounts';
import { parseIsoDay } from './dayNumbers';
import { collectDates } from './deriveCalendar';
import { locateBundle, type BundleLayout } from './locateBundle';
import { sumSymbolMetrics, type BundleTotals, type SymbolMetrics } from './metricNames';
import { readDataFile } from './readDataFile';
import { readCalendarFile, readInstrumentsFile, readManifestUnits } from './readSideFiles';
import { runSymbolJobs } from './runSymbolJobs';
import { spillLongForm } from './spillLongForm';
import type { SymbolJob } from './workerMessages';

export interface BundleAnalysis {
  readonly layout: BundleLayout;
  readonly calendarSource: 'bundle' | 'derived';
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
  /** Called on the main thread for every analysed symbol (the place to write it). */
  readonly onSymbol?: (result: SymbolAnalysis) => void;
  /** Where a long-form bundle is split by symbol (a fresh directory inside it, removed afterwards); default os.tmpdir(). */
  readonly tempDir?: string;
}

/**
 * Locates, reads and analyses a csv-daily bundle directory; storage is left to `onSymbol`. A long-form bundle is first
 * split into per-symbol temporary files, so memory stays flat for either layout.
 */
export async function runBundleAnalysis(
  bundleDir: string,
  ctx: StageContext,
  options: RunBundleOptions,
): Promise<BundleAnalysis> {
  const layout = await locateBundle(bundleDir);
  if (layout.kind === 'per-symbol') return analyzeLayout(layout, ctx, options, null);
  const spillDir = await mkdtemp(join(options.tempDir ?? tmpdir(), 'market-data-long-form-'));
  try {
    return await analyzeLayout(layout, ctx, options, spillDir);
  } finally {
    await rm(spillDir, { recursive: true, force: true });
  }
}

async function analyzeLayout(
  layout: BundleLayout,
  ctx: StageContext,
  options: RunBundleOptions,
  spillDir: string | null,
): Promise<BundleAnalysis> {
  const units = layout.manifestPath
    ? await readManifestUnits(layout.manifestPath, ctx.log)
    : { volumeUnit: null, amountUnit: null };
  const instruments = layout.instrumentsPath
    ? await readInstrumentsFile(layout.instrumentsPath, ctx.log)
    : new Map<string, SymbolInfo>();
  const jobs = await buildJobs(layout, instruments, ctx, spillDir);

  let calendar: Int32Array;
  let calendarSource: 'bundle' | 'derived';
  if (layout.calendarPath) {
    calendar = await readCalendarFile(layout.calendarPath, ctx.log);
    calendarSource = 'bundle';
  } else {
    calendar = await deriveCalendar(jobs, ctx);
    calendarSource = 'derived';
    ctx.log(
      'WARNING',
      'The bundle has no calendar.csv; the calendar is the union of dates, so empty days cannot be seen.',
    );
  }
  const setup: AnalyzerSetup = { calendar, ...units };

  const symbols: Record<string, SymbolMetrics> = {};
  let encoding: 'utf-8' | 'gb18030' = 'utf-8';
  let done = 0;
  const step = Math.max(1, Math.floor(jobs.length / 100));
  ctx.onProgress({ done: 0, total: jobs.length, unit: 'symbols', message: `0 of ${jobs.length} symbols` });
  const days = await runSymbolJobs(setup, jobs, { workers: options.workers, signal: ctx.signal }, (result) => {
    symbols[result.symbol] = result.metrics;
    if (result.encoding === 'gb18030' && encoding !== 'gb18030') {
      encoding = 'gb18030';
      ctx.log('WARNING', `${result.symbol}: not valid UTF-8; decoded as GB18030.`);
    }
    options.onSymbol?.(result);
    done++;
    if (done % step === 0 || done === jobs.length) {
      ctx.onProgress({ done, total: jobs.length, unit: 'symbols', message: `${done} of ${jobs.length} symbols` });
    }
  });
  throwIfCancelled(ctx.signal, 'Analysis');

  const ordered: Record<string, SymbolMetrics> = {};
  for (const symbol of Object.keys(symbols).sort()) ordered[symbol] = symbols[symbol]!;
  const totals = sumSymbolMetrics(Object.values(ordered));
  const first = totals.first_date === null ? 0 : indexOf(calendar, parseIsoDay(totals.first_date));
  const last = totals.last_date === null ? -1 : indexOf(calendar, parseIsoDay(totals.last_date));

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
    calendarSource,
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

async function buildJobs(
  layout: BundleLayout,
  instruments: Map<string, SymbolInfo>,
  ctx: StageContext,
  spillDir: string | null,
): Promise<SymbolJob[]> {
  const info = (symbol: string): SymbolInfo =>
    instruments.get(symbol) ?? { symbol, isSt: false, listDay: -1, delistDay: -1 };
  // spillDir is set exactly when the layout is long form.
  if (spillDir === null) {
    return layout.files.map((file) => ({ info: info(file.symbol ?? ''), path: file.path, gzip: file.gzip }));
  }
  const spilled = await spillLongForm(layout.files, spillDir, ctx);
  return spilled.map((spill) => ({
    info: info(spill.symbol),
    path: spill.path,
    gzip: false,
    linesPath: spill.linesPath,
  }));
}

async function deriveCalendar(jobs: readonly SymbolJob[], ctx: StageContext): Promise<Int32Array> {
  const days = new Set<number>();
  for (const job of jobs) {
    throwIfCancelled(ctx.signal, 'Analysis');
    const bytes = await readDataFile(job.path, job.gzip);
    collectDates(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), days);
  }
  return Int32Array.from([...days].sort((a, b) => a - b));
}

function indexOf(calendar: Int32Array, day: number): number {
  return calendar.indexOf(day);
}
