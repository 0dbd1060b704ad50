import { formatDayNumber, parseIsoDay } from '../../src/analysis/dayNumbers';
import { createEmptyTotals, type DiffTotals, type SymbolChange } from '../../src/analysis/diff/diffTypes';
import type { BundleFormat } from '../../src/analysis/metricNames';
import { boardForSymbol } from '../../src/analysis/symbolCodes';
import { syntheticSymbol, type BundleFileSink } from './generateSyntheticBundle';
import { CSV_HEADER, formatBar, generateSymbol } from './generateSymbol';
import type { Bar } from './simulateBars';
import { buildSyntheticCalendar } from './syntheticCalendar';
import { writeQlibSymbol } from './writeQlibSymbol';

export interface BundlePairOptions {
  /** Symbols of the old bundle (at least 12): its last two are removed in the new one, which adds three. */
  readonly symbols: number;
  /** Trading days of the old bundle (at least 20). */
  readonly days: number;
  /** Days the new bundle has after the old one's last (at least 1). */
  readonly extraDays: number;
  readonly seed: number;
  readonly format: BundleFormat;
  /** First calendar day, `YYYY-MM-DD`; default 2020-01-02. */
  readonly start?: string;
}

export interface ExpectedSymbolDiff {
  readonly change: Exclude<SymbolChange, 'unchanged'>;
  readonly rows_added: number;
  readonly rows_removed: number;
  readonly rows_restated: number;
  readonly readjusted: boolean;
  readonly first_restated_date: string | null;
  readonly last_restated_date: string | null;
}

/** What a diff of the pair must find, from bookkeeping while the new bundle was derived from the old one. */
export interface ExpectedDiff {
  readonly totals: DiffTotals;
  /** Every symbol with a change. */
  readonly symbols: Record<string, ExpectedSymbolDiff>;
}

export const REMOVED_SYMBOLS = 2;
export const ADDED_SYMBOLS = 3;
/** A re-adjusted symbol's factors are multiplied by this (exact in binary, so csv and float32 hold it exactly). */
export const READJUST_RATIO = 1.25;

/**
 * What happens to the first continuing symbols (in this order); every continuing symbol also gets the extra days.
 * `t` and `u` are rows a third and two thirds into the old history.
 */
const RECIPES = [
  'restated_close', // close +1 fen on t and u: 2 restated rows
  'restated_volume', // volume +100 on t: 1 restated row
  'removed_row', // t is gone from the new bundle: 1 removed row
  'added_row', // t was missing from the old bundle: 1 more added row
  'readjusted', // every factor × 1.25 (qlib: the stored prices too, raw prices unchanged): re-adjusted, not restated
  'readjusted_restated', // the same, and close +1 fen on t: re-adjusted and 1 restated row
  'factor_restated', // the factor × 2 on t only (a corrected factor, not a new action): 1 restated row
  'textual_only', // csv: t's volume written `N.0` instead of `N` (the same number): nothing restated
] as const;
type Recipe = (typeof RECIPES)[number];

/**
 * Writes an old bundle and a new one derived from it, in csv-daily or qlib binary form, with known added, removed and
 * restated rows, added and removed symbols and re-adjusted symbols, and returns the diff they must give.
 */
export async function generateBundlePair(
  options: BundlePairOptions,
  sinks: { readonly old: BundleFileSink; readonly new: BundleFileSink },
): Promise<ExpectedDiff> {
  const { days, extraDays, format } = options;
  if (options.symbols < RECIPES.length + REMOVED_SYMBOLS + 2 || days < 20 || extraDays < 1) {
    throw new Error(
      `a bundle pair needs at least ${RECIPES.length + REMOVED_SYMBOLS + 2} symbols, 20 days, 1 extra day`,
    );
  }
  const calendar = buildSyntheticCalendar(parseIsoDay(options.start ?? '2020-01-02'), days + extraDays);
  const t = Math.floor(days / 3);
  const u = Math.floor((2 * days) / 3);
  const date = (cal: number): string => formatDayNumber(calendar[cal]!);
  const writers = { old: createWriter(format, sinks.old), new: createWriter(format, sinks.new) };
  const expected: Record<string, ExpectedSymbolDiff> = {};
  const totals = createEmptyTotals();
  const continuing = options.symbols - REMOVED_SYMBOLS;

  for (let index = 0; index < options.symbols + ADDED_SYMBOLS; index++) {
    const { symbol } = syntheticSymbol(index);
    const spec = { index, symbol, board: boardForSymbol(symbol), isSt: false, family: null };
    const market = { emptyDay: -1, frozenDay: -1, copiesFrozenDay: false };
    const bars = generateSymbol(spec, options.seed, calendar, market).bars as Bar[];
    if (index >= options.symbols) {
      await writers.new.symbol(symbol, bars, calendar);
      expected[symbol] = { ...unchanged('added'), rows_added: bars.length };
      continue;
    }
    const old = bars.slice(0, days).map((bar) => ({ ...bar }));
    if (index >= continuing) {
      await writers.old.symbol(symbol, old, calendar);
      expected[symbol] = { ...unchanged('removed'), rows_removed: old.length };
      continue;
    }
    const next: (Bar | null)[] = bars.map((bar) => ({ ...bar }));
    const oldRows: (Bar | null)[] = old;
    const recipe: Recipe | null = RECIPES[index] ?? null;
    let result: ExpectedSymbolDiff = { ...unchanged('changed'), rows_added: extraDays };
    const restate = (cals: number[]): ExpectedSymbolDiff => ({
      ...result,
      rows_restated: cals.length,
      first_restated_date: date(cals[0]!),
      last_restated_date: date(cals[cals.length - 1]!),
    });
    const rescale = (bar: Bar | null, ratio: number): void => {
      if (bar !== null) bar.factor *= ratio;
    };
    const textual = new Set<number>();
    switch (recipe) {
      case 'restated_close':
        for (const cal of [t, u]) raiseClose(next[cal]!);
        result = restate([t, u]);
        break;
      case 'restated_volume':
        next[t]!.volume += 100;
        result = restate([t]);
        break;
      case 'removed_row':
        next[t] = null;
        result = { ...result, rows_removed: 1 };
        break;
      case 'added_row':
        oldRows[t] = null;
        result = { ...result, rows_added: extraDays + 1 };
        break;
      case 'readjusted':
        next.forEach((bar) => rescale(bar, READJUST_RATIO));
        result = { ...result, readjusted: true };
        break;
      case 'readjusted_restated':
        next.forEach((bar) => rescale(bar, READJUST_RATIO));
        raiseClose(next[t]!);
        result = { ...restate([t]), readjusted: true };
        break;
      case 'factor_restated':
        rescale(next[t]!, 2);
        result = restate([t]);
        break;
      case 'textual_only':
        if (format === 'csv-daily') textual.add(t);
        break;
      case null:
        break;
    }
    await writers.old.symbol(symbol, oldRows, calendar);
    await writers.new.symbol(symbol, next, calendar, textual);
    expected[symbol] = result;
  }

  for (const result of Object.values(expected)) {
    totals.rows_added += result.rows_added;
    totals.rows_removed += result.rows_removed;
    totals.rows_restated += result.rows_restated;
    if (result.change === 'added') totals.symbols_added++;
    else if (result.change === 'removed') totals.symbols_removed++;
    else {
      totals.symbols_compared++;
      if (result.rows_restated > 0) totals.symbols_restated++;
      if (result.readjusted) totals.symbols_readjusted++;
    }
  }
  totals.days_added = extraDays;
  await writers.old.close(calendar.subarray(0, days));
  await writers.new.close(calendar);
  const symbols: Record<string, ExpectedSymbolDiff> = {};
  for (const name of Object.keys(expected).sort()) symbols[name] = expected[name]!;
  return { totals, symbols };
}

function unchanged(change: ExpectedSymbolDiff['change']): ExpectedSymbolDiff {
  return {
    change,
    rows_added: 0,
    rows_removed: 0,
    rows_restated: 0,
    readjusted: false,
    first_restated_date: null,
    last_restated_date: null,
  };
}

/** Close one fen higher (the high follows when the close passes it). */
function raiseClose(bar: Bar): void {
  bar.close += 10;
  bar.high = Math.max(bar.high, bar.close);
}

interface PairWriter {
  /** One symbol's bars by calendar index from 0 (null where it has no row); `textual`: rows to write differently. */
  symbol(
    name: string,
    bars: readonly (Bar | null)[],
    calendar: Int32Array,
    textual?: ReadonlySet<number>,
  ): Promise<void>;
  close(calendar: Int32Array): Promise<void>;
}

function createWriter(format: BundleFormat, sink: BundleFileSink): PairWriter {
  const instruments: string[] = [];
  const calendarText = (calendar: Int32Array): string => `${Array.from(calendar, formatDayNumber).join('\n')}\n`;
  if (format === 'qlib-bin') {
    return {
      async symbol(name, bars, calendar) {
        const qlibName = `${name.slice(7)}${name.slice(0, 6)}`;
        for (const [field, bytes] of writeQlibSymbol(0, bars)) {
          await sink(`features/${qlibName.toLowerCase()}/${field}.day.bin`, bytes);
        }
        const present = bars.filter((bar): bar is Bar => bar !== null);
        const span = [present[0]!, present[present.length - 1]!].map((bar) => formatDayNumber(calendar[bar.cal]!));
        instruments.push(`${qlibName}\t${span[0]}\t${span[1]}`);
      },
      async close(calendar) {
        await sink('calendars/day.txt', calendarText(calendar));
        await sink('instruments/all.txt', `${instruments.join('\n')}\n`);
      },
    };
  }
  return {
    async symbol(name, bars, calendar, textual) {
      const lines = bars
        .filter((bar): bar is Bar => bar !== null)
        .map((bar) => {
          const line = formatBar(bar, calendar);
          if (!textual?.has(bar.cal)) return line;
          const fields = line.split(',');
          fields[5] = `${fields[5]}.0`; // the volume, as another writer might print the same number
          return fields.join(',');
        });
      await sink(`daily/${name}.csv`, `${CSV_HEADER}\n${lines.join('\n')}\n`);
    },
    close: (calendar) => sink('calendar.csv', `date\n${calendarText(calendar)}`),
  };
}
