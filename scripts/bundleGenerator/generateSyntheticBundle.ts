import { formatDayNumber, parseIsoDay } from '../../src/analysis/dayNumbers';
import { ruleSetFor } from '../../src/analysis/limitRules';
import {
  sumSymbolMetrics,
  toSymbolMetrics,
  type BundleFormat,
  type BundleSummary,
  type SymbolCounts,
} from '../../src/analysis/metricNames';
import { QLIB_NOT_APPLICABLE } from '../../src/analysis/qlib/readQlibRows';
import { boardForSymbol } from '../../src/analysis/symbolCodes';
import { countMarketDayFlags } from './countMarketDayFlags';
import { createPrng } from './createPrng';
import {
  MARKET_WIDE_FAMILIES,
  QLIB_EXPRESSIBLE_FAMILIES,
  resolveDefects,
  type DefectFamily,
  type DefectPreset,
} from './defectFamilies';
import { generateSymbol, type GeneratedSymbol, type SymbolSpec } from './generateSymbol';
import { buildSyntheticCalendar } from './syntheticCalendar';
import { writeQlibSymbol } from './writeQlibSymbol';

export interface SyntheticBundleOptions {
  readonly symbols: number;
  readonly days: number;
  readonly seed: number;
  /** First calendar day (`YYYY-MM-DD`); default 2020-01-02. */
  readonly start?: string;
  readonly defects?: DefectPreset | readonly DefectFamily[];
  /** `csv-daily` (default) or `qlib-bin`: the same seeded series in either layout. */
  readonly format?: BundleFormat;
  /** csv-daily only: write calendar.csv (default true); without it the analysis derives the calendar. */
  readonly calendarFile?: boolean;
  /**
   * Mark some main-board symbols ST (±5% limits) in instruments.csv; default true for csv-daily. qlib binary has no
   * place for ST status, so its bundles never have ST symbols (pass false to get the same series as csv-daily).
   */
  readonly stSymbols?: boolean;
}

/** Receives each bundle file as it is produced (a directory writer or an archive writer). */
export type BundleFileSink = (name: string, data: string | Buffer) => Promise<void>;

export const MAX_SYNTHETIC_SYMBOLS = 6993;

// Board cycle by code prefix: SH main, SZ main, ChiNext, STAR, SH main, SZ main (ex-SME), Beijing.
const PREFIXES: readonly (readonly [string, string])[] = [
  ['600', 'SH'],
  ['000', 'SZ'],
  ['300', 'SZ'],
  ['688', 'SH'],
  ['601', 'SH'],
  ['002', 'SZ'],
  ['83', 'BJ'],
];

/** The generator's symbol number `index`: board prefixes in turn (600001.SH, 000001.SZ, 300001.SZ, …). */
export function syntheticSymbol(index: number): { symbol: string; exchange: string } {
  const [prefix, exchange] = PREFIXES[index % PREFIXES.length]!;
  const serial = String(Math.floor(index / PREFIXES.length) + 1).padStart(6 - prefix.length, '0');
  return { symbol: `${prefix}${serial}.${exchange}`, exchange };
}

/**
 * Generates a bundle one symbol at a time into `sink` and returns the expected analysis summary, computed by
 * bookkeeping while defects are injected. csv-daily: daily/<SYMBOL>.csv, calendar.csv (unless left out),
 * instruments.csv, manifest.json. qlib-bin: calendars/day.txt, features/<symbol>/<field>.day.bin and
 * instruments/all.txt, as qlib's dump writes them; only the families qlib can express are allowed.
 */
export async function generateSyntheticBundle(
  options: SyntheticBundleOptions,
  sink: BundleFileSink,
): Promise<BundleSummary> {
  const format = options.format ?? 'csv-daily';
  const withCalendar = format === 'qlib-bin' || options.calendarFile !== false;
  const withSt = format === 'csv-daily' && options.stSymbols !== false;
  const calendar = buildSyntheticCalendar(parseIsoDay(options.start ?? '2020-01-02'), options.days);
  const families = resolveDefects(options.defects ?? 'default', format);
  if (format === 'qlib-bin') {
    const unsupported = families.filter((family) => !QLIB_EXPRESSIBLE_FAMILIES.includes(family));
    if (unsupported.length > 0) throw new Error(`qlib binary cannot express: ${unsupported.join(', ')}`);
  }
  const perSymbol = families.filter((family) => !MARKET_WIDE_FAMILIES.includes(family));
  const market = createPrng(options.seed, -1);
  const count = calendar.length;
  const roomy = count >= 40;
  const emptyDay = roomy && families.includes('empty_day') ? Math.floor(count / 2) + market.int(-2, 2) : -1;
  const frozenDay = roomy && families.includes('frozen_day') ? Math.floor(count / 3) + market.int(-2, 2) : -1;

  const calendarText = `${Array.from(calendar, formatDayNumber).join('\n')}\n`;
  if (format === 'qlib-bin') await sink('calendars/day.txt', calendarText);
  else if (withCalendar) await sink('calendar.csv', `date\n${calendarText}`);
  const instruments: string[] = ['symbol,name,exchange,board,list_date,delist_date,is_st'];
  const qlibInstruments: string[] = [];
  const generated: { spec: SymbolSpec; symbol: SymbolBooks }[] = [];

  for (let index = 0; index < options.symbols; index++) {
    const { symbol, exchange } = syntheticSymbol(index);
    const board = boardForSymbol(symbol);
    const spec: SymbolSpec = {
      index,
      symbol,
      board,
      isSt: withSt && (board === 'sh_main' || board === 'sz_main') && index % 9 === 4,
      family: perSymbol.length > 0 && roomy ? perSymbol[index % perSymbol.length]! : null,
    };
    const result = generateSymbol(spec, options.seed, calendar, {
      emptyDay,
      frozenDay,
      copiesFrozenDay: index % 20 !== 19,
    });
    const qlibName = `${exchange}${symbol.slice(0, 6)}`;
    if (format === 'qlib-bin') {
      for (const [field, bytes] of writeQlibSymbol(result.firstCal, result.bars)) {
        await sink(`features/${qlibName.toLowerCase()}/${field}.day.bin`, bytes);
      }
      const span = [result.firstCal, result.lastCal].map((cal) => formatDayNumber(calendar[cal]!));
      qlibInstruments.push(`${qlibName}\t${span[0]}\t${span[1]}`);
    } else await sink(`daily/${symbol}.csv`, result.csv);
    generated.push({ spec, symbol: booksOf(result) });
    const delisted = result.family === 'delisted';
    const listDay = result.firstCal > 0 ? formatDayNumber(calendar[result.firstCal]!) : '2000-01-04';
    const delistDay = delisted ? formatDayNumber(calendar[result.lastCal + 1]!) : '';
    instruments.push(
      `${symbol},"合成 ${index}, Ltd",${exchange},${board},${listDay},${delistDay},${spec.isSt ? 1 : 0}`,
    );
  }
  if (format === 'qlib-bin') await sink('instruments/all.txt', `${qlibInstruments.join('\n')}\n`);
  else {
    await sink('instruments.csv', `${instruments.join('\n')}\n`);
    const manifest = {
      format: 'csv-daily',
      format_version: 1,
      market: 'CN-A',
      frequency: '1d',
      price_adjustment: 'none',
      volume_unit: 'share',
      amount_unit: 'yuan',
      calendar: withCalendar ? 'calendar.csv' : null,
      instruments: 'instruments.csv',
      source: 'synthetic',
      seed: options.seed,
    };
    await sink('manifest.json', `${JSON.stringify(manifest, null, 2)}\n`);
  }
  return bookExpectedSummary(format, withCalendar, calendar, generated);
}

/**
 * What the expected summary needs of a generated symbol once its file is written: its text and bars are let go, and
 * its day lists kept as typed arrays, so a bundle of the community one's size (5,640 × 5,024) fits in memory.
 */
type SymbolBooks = Pick<GeneratedSymbol, 'metrics' | 'family' | 'firstCal' | 'lastCal'> & {
  readonly validCals: Int32Array;
  readonly identicalCals: Int32Array;
  readonly presentCals: Int32Array;
};

function booksOf(symbol: GeneratedSymbol): SymbolBooks {
  return {
    metrics: symbol.metrics,
    family: symbol.family,
    firstCal: symbol.firstCal,
    lastCal: symbol.lastCal,
    validCals: Int32Array.from(symbol.validCals),
    identicalCals: Int32Array.from(symbol.identicalCals),
    presentCals: Int32Array.from(symbol.presentCals),
  };
}

/**
 * The expected summary from what the generator wrote. The calendar the analysis will use is the bundle's, or without
 * calendar.csv the union of the days some symbol has a row (so a market-wide empty day disappears from it): missing
 * days, gaps and the per-day tallies are booked against that calendar.
 */
function bookExpectedSummary(
  format: BundleFormat,
  withCalendar: boolean,
  calendar: Int32Array,
  generated: readonly { spec: SymbolSpec; symbol: SymbolBooks }[],
): BundleSummary {
  const calendarLength = calendar.length;
  const inUse = new Uint8Array(calendarLength);
  for (const { symbol } of generated) for (const cal of symbol.presentCals) inUse[cal] = 1;
  // Index of each calendar day in the calendar the analysis will use.
  const position = new Int32Array(calendarLength);
  let used = 0;
  for (let cal = 0; cal < calendarLength; cal++) position[cal] = withCalendar || inUse[cal] === 1 ? used++ : -1;
  const valid = new Int32Array(used);
  const adjacent = new Int32Array(used);
  const identical = new Int32Array(used);
  const symbols: BundleSummary['symbols'] = {};
  const spans: { first: number; last: number; delisted: boolean }[] = [];

  for (const { spec, symbol } of generated) {
    const counts: SymbolCounts = { ...symbol.metrics };
    const present = symbol.presentCals.map((cal) => position[cal]!);
    for (let i = 1; i < present.length; i++) {
      const gap = present[i]! - present[i - 1]! - 1;
      if (gap <= 0) continue;
      counts.missing_days += gap;
      counts.gap_count++;
      counts.longest_gap = Math.max(counts.longest_gap, gap);
    }
    const validAt = symbol.validCals.map((cal) => position[cal]!);
    for (const at of validAt) valid[at]!++;
    for (let i = 1; i < validAt.length; i++) if (validAt[i - 1] === validAt[i]! - 1) adjacent[validAt[i]!]!++;
    for (const cal of symbol.identicalCals) identical[position[cal]!]!++;
    // Rows near the listing edges are never removed, so the first and last rows are the span's ends.
    const dates = {
      first: formatDayNumber(calendar[symbol.firstCal]!),
      last: formatDayNumber(calendar[symbol.lastCal]!),
    };
    symbols[spec.symbol] = toSymbolMetrics(
      counts,
      dates,
      ruleSetFor(spec.board),
      format === 'qlib-bin' ? QLIB_NOT_APPLICABLE : [],
    );
    spans.push({ first: present[0]!, last: present[present.length - 1]!, delisted: symbol.family === 'delisted' });
  }

  const sorted: BundleSummary['symbols'] = {};
  for (const name of Object.keys(symbols).sort()) sorted[name] = symbols[name]!;
  const bundle = sumSymbolMetrics(Object.values(sorted));
  const spanFirst = Math.min(...spans.map((s) => s.first));
  const spanLast = Math.max(...spans.map((s) => s.last));
  bundle.delisted_symbols = spans.filter((s) => s.delisted || s.last < spanLast).length;
  bundle.late_listed_symbols = spans.filter((s) => s.first > spanFirst).length;
  const flags = countMarketDayFlags({ valid, adjacent, identical }, spanFirst, spanLast);
  bundle.empty_calendar_days = flags.empty;
  bundle.thin_days = flags.thin;
  bundle.frozen_days = flags.frozen;
  return { format, calendar_source: withCalendar ? 'bundle' : 'derived', bundle, symbols: sorted };
}
