import { mkdir } from 'node:fs/promises';
import type { StageContext } from '../../stages/stageContext';
import { createDirectoryTree, type BundleTree } from '../bundleTree';
import { readByteRefSync } from '../byteRef';
import { locateBundle, type BundleLayout } from '../locateBundle';
import type { BundleFormat } from '../metricNames';
import { readCalendarFile, readManifestUnits, readQlibCalendar } from '../readSideFiles';
import { spillLongForm } from '../spillLongForm';
import type { CsvUnits } from './csvDiffRows';
import type { DiffSide } from './runDiffJob';

/** A bundle as the diff reads it: a directory, or a tree (an archive read in place). */
export type DiffInput = string | BundleTree;

/** The format and layout of one side of a diff. */
export interface DiffSideInfo {
  readonly format: BundleFormat;
  /** `per-symbol` and `long` (csv-daily) or `qlib`. */
  readonly layout: BundleLayout['kind'];
}

export interface PreparedSide {
  readonly info: DiffSideInfo;
  /** Each symbol's files, by canonical symbol. */
  readonly symbols: ReadonlyMap<string, DiffSide>;
  readonly units: CsvUnits;
  /** qlib's calendars/day.txt, which maps a `.bin` index to its date; null for csv-daily. */
  readonly qlibCalendar: Int32Array | null;
  /** The bundle's calendar file (calendar.csv or calendars/day.txt) as day numbers; null without one. */
  readonly calendarDays: Int32Array | null;
}

const NO_UNITS: CsvUnits = { volumeUnit: null, amountUnit: null };

/**
 * Locates a bundle with the analysis's own layout detection and reads what the diff needs before comparing rows:
 * every symbol's files, the manifest's units, the calendar. A long-form bundle is split into per-symbol files in
 * `spillDir` first (as the analysis splits it). Side files are read without logging: the analysis reports on them.
 */
export async function prepareDiffSide(input: DiffInput, ctx: StageContext, spillDir: string): Promise<PreparedSide> {
  const layout = await locateBundle(typeof input === 'string' ? createDirectoryTree(input) : input);
  const quiet = (): void => undefined;
  const info: DiffSideInfo = { format: layout.format, layout: layout.kind };
  const symbols = new Map<string, DiffSide>();
  if (layout.format === 'qlib-bin') {
    const calendar = readQlibCalendar(readByteRefSync(layout.calendar));
    for (const symbol of layout.symbols) {
      const fields = symbol.fields.map((field) => ({ field: field.field, data: field.ref! }));
      symbols.set(symbol.symbol, { kind: 'qlib', fields });
    }
    return { info, symbols, units: NO_UNITS, qlibCalendar: calendar, calendarDays: calendar };
  }
  const units = layout.manifest ? readManifestUnits(readByteRefSync(layout.manifest), quiet) : NO_UNITS;
  let calendarDays: Int32Array | null = null;
  if (layout.calendar) {
    try {
      calendarDays = readCalendarFile(readByteRefSync(layout.calendar), quiet);
    } catch {
      calendarDays = null; // an empty calendar.csv: the dates of the rows are the calendar, as in the analysis
    }
  }
  if (layout.kind === 'long') {
    await mkdir(spillDir, { recursive: true });
    for (const spill of (await spillLongForm(layout.files, spillDir, ctx)).symbols) {
      symbols.set(spill.symbol, { kind: 'csv', data: spill.data });
    }
  } else {
    for (const file of layout.files) symbols.set(file.symbol ?? '', { kind: 'csv', data: file.ref! });
  }
  return { info, symbols, units, qlibCalendar: null, calendarDays };
}
