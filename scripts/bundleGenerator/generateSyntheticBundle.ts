import { formatDayNumber, parseIsoDay } from '../../src/analysis/dayNumbers';
import { BUNDLE_ONLY_METRICS, sumSymbolMetrics, type BundleSummary } from '../../src/analysis/metricNames';
import { boardForSymbol } from '../../src/analysis/symbolCodes';
import { countMarketDayFlags } from './countMarketDayFlags';
import { createPrng } from './createPrng';
import { MARKET_WIDE_FAMILIES, resolveDefects, type DefectFamily, type DefectPreset } from './defectFamilies';
import { generateSymbol, type SymbolSpec } from './generateSymbol';
import { buildSyntheticCalendar } from './syntheticCalendar';

export interface SyntheticBundleOptions {
  readonly symbols: number;
  readonly days: number;
  readonly seed: number;
  /** First calendar day (`YYYY-MM-DD`); default 2020-01-02. */
  readonly start?: string;
  readonly defects?: DefectPreset | readonly DefectFamily[];
}

/** Receives each bundle file as it is produced (a directory writer or a zip writer). */
export type BundleFileSink = (name: string, data: string) => Promise<void>;

export const MAX_SYNTHETIC_SYMBOLS = 6993;

// Board cycle by code prefix (§3d): SH main, SZ main, ChiNext, STAR, SH main, SZ main (ex-SME), Beijing.
const PREFIXES: readonly (readonly [string, string])[] = [
  ['600', 'SH'],
  ['000', 'SZ'],
  ['300', 'SZ'],
  ['688', 'SH'],
  ['601', 'SH'],
  ['002', 'SZ'],
  ['83', 'BJ'],
];

/**
 * Generates a csv-daily bundle (daily/<SYMBOL>.csv, calendar.csv, instruments.csv, manifest.json) one symbol at a
 * time into `sink`, and returns the expected analysis summary, computed by bookkeeping while defects are injected.
 */
export async function generateSyntheticBundle(
  options: SyntheticBundleOptions,
  sink: BundleFileSink,
): Promise<BundleSummary> {
  const calendar = buildSyntheticCalendar(parseIsoDay(options.start ?? '2020-01-02'), options.days);
  const families = resolveDefects(options.defects ?? 'default');
  const perSymbol = families.filter((family) => !MARKET_WIDE_FAMILIES.includes(family));
  const market = createPrng(options.seed, -1);
  const count = calendar.length;
  const roomy = count >= 40;
  const emptyDay = roomy && families.includes('empty_day') ? Math.floor(count / 2) + market.int(-2, 2) : -1;
  const frozenDay = roomy && families.includes('frozen_day') ? Math.floor(count / 3) + market.int(-2, 2) : -1;

  await sink('calendar.csv', `date\n${Array.from(calendar, formatDayNumber).join('\n')}\n`);
  const valid = new Int32Array(count);
  const adjacent = new Int32Array(count);
  const identical = new Int32Array(count);
  const summary: BundleSummary = { bundle: sumSymbolMetrics([]), symbols: {} };
  const instruments: string[] = ['symbol,name,exchange,board,list_date,delist_date,is_st'];
  const spans: { symbol: string; first: number; last: number; delisted: boolean }[] = [];

  for (let index = 0; index < options.symbols; index++) {
    const [prefix, exchange] = PREFIXES[index % PREFIXES.length]!;
    const serial = String(Math.floor(index / PREFIXES.length) + 1).padStart(6 - prefix.length, '0');
    const symbol = `${prefix}${serial}.${exchange}`;
    const board = boardForSymbol(symbol);
    const spec: SymbolSpec = {
      index,
      symbol,
      board,
      isSt: (board === 'sh_main' || board === 'sz_main') && index % 9 === 4,
      family: perSymbol.length > 0 && roomy ? perSymbol[index % perSymbol.length]! : null,
    };
    const generated = generateSymbol(spec, options.seed, calendar, {
      emptyDay,
      frozenDay,
      copiesFrozenDay: index % 20 !== 19,
    });
    await sink(`daily/${symbol}.csv`, generated.csv);
    summary.symbols[symbol] = generated.metrics;
    for (const cal of generated.validCals) valid[cal]!++;
    for (let i = 1; i < generated.validCals.length; i++) {
      if (generated.validCals[i - 1] === generated.validCals[i]! - 1) adjacent[generated.validCals[i]!]!++;
    }
    for (const cal of generated.identicalCals) identical[cal]!++;
    const delisted = generated.family === 'delisted';
    spans.push({ symbol, first: generated.firstCal, last: generated.lastCal, delisted });
    const listDay = generated.firstCal > 0 ? formatDayNumber(calendar[generated.firstCal]!) : '2000-01-04';
    const delistDay = delisted ? formatDayNumber(calendar[generated.lastCal + 1]!) : '';
    instruments.push(
      `${symbol},"合成 ${index}, Ltd",${exchange},${board},${listDay},${delistDay},${spec.isSt ? 1 : 0}`,
    );
  }
  await sink('instruments.csv', `${instruments.join('\n')}\n`);
  await sink(
    'manifest.json',
    `${JSON.stringify({ format: 'csv-daily', format_version: 1, market: 'CN-A', frequency: '1d', price_adjustment: 'none', volume_unit: 'share', amount_unit: 'yuan', calendar: 'calendar.csv', instruments: 'instruments.csv', source: 'synthetic', seed: options.seed }, null, 2)}\n`,
  );

  const bundle = sumSymbolMetrics(Object.values(summary.symbols));
  for (const name of BUNDLE_ONLY_METRICS) if (name !== 'symbol_count') bundle[name] = 0;
  const spanFirst = Math.min(...spans.map((s) => s.first));
  const spanLast = Math.max(...spans.map((s) => s.last));
  bundle.delisted_symbols = spans.filter((s) => s.delisted || s.last < spanLast).length;
  bundle.late_listed_symbols = spans.filter((s) => s.first > spanFirst).length;
  const flags = countMarketDayFlags({ valid, adjacent, identical }, spanFirst, spanLast);
  bundle.empty_calendar_days = flags.empty;
  bundle.thin_days = flags.thin;
  bundle.frozen_days = flags.frozen;
  const symbols: BundleSummary['symbols'] = {};
  for (const symbol of Object.keys(summary.symbols).sort()) symbols[symbol] = summary.symbols[symbol]!;
  return { bundle, symbols };
}
