import { readByteRefSync, type ByteRef } from '../byteRef';
import { compareCsvFiles, countCsvRows, type DayMarks } from './compareCsvFiles';
import { createSymbolDiff } from './createSymbolDiff';
import type { CsvUnits } from './csvDiffRows';
import { collectCsvRows, collectQlibRows, compareDayRows, createDayRows, markRowDays, type DayRows } from './dayRows';
import type { SymbolDiff } from './diffTypes';

/** One bundle's files of a symbol: a csv-daily file, or the qlib `<field>.day.bin` files by field name. */
export type DiffSide =
  | { readonly kind: 'csv'; readonly data: ByteRef }
  | { readonly kind: 'qlib'; readonly fields: readonly { readonly field: string; readonly data: ByteRef }[] };

/** One symbol to compare; a side is null when the symbol is not in that bundle. */
export interface DiffJob {
  readonly symbol: string;
  readonly old: DiffSide | null;
  readonly new: DiffSide | null;
}

/** What every job of one diff shares (plain data, so a worker thread can take it). */
export interface DiffSetup {
  readonly units: { readonly old: CsvUnits; readonly new: CsvUnits };
  /** qlib calendars (day numbers by calendar index); null for csv-daily. */
  readonly calendars: { readonly old: Int32Array | null; readonly new: Int32Array | null };
  /** Both qlib calendars agree on every index the old one has, so equal `.bin` bytes are equal rows. */
  readonly calendarsAligned: boolean;
  /** Mark the days rows have (a bundle without a calendar file: its calendar is the union of its dates). */
  readonly trackDays: boolean;
}

// qlib's float32 holds about seven significant digits: values closer than this are the same number.
const FLOAT32_RELATIVE = 1e-6;
const QLIB_DIFF_FIELDS = new Set(['open', 'high', 'low', 'close', 'volume', 'amount', 'factor']);

const oldRows = createDayRows();
const newRows = createDayRows();

/** A side's bytes: the CSV file, or the compared qlib fields by name. */
type SideBytes =
  { readonly kind: 'csv'; readonly bytes: Buffer } | { readonly kind: 'qlib'; readonly fields: Map<string, Buffer> };

/** Compares one symbol's files; `marks` receives the days of its rows when the setup tracks days. */
export function runDiffJob(setup: DiffSetup, job: DiffJob, marks: DayMarks | null): SymbolDiff {
  const qlib = job.old?.kind === 'qlib' || job.new?.kind === 'qlib';
  const diff = createSymbolDiff(qlib ? FLOAT32_RELATIVE : 0);
  const old = job.old === null ? null : readSide(job.old);
  const next = job.new === null ? null : readSide(job.new);
  if (old === null || next === null) {
    const which = old === null ? 'new' : 'old';
    const side = (old ?? next)!;
    const targets = marks ? [marks[which]] : [];
    const rows =
      side.kind === 'csv'
        ? countCsvRows(side.bytes, setup.units[which], targets)
        : collectSide(setup, side, which, oldRows, targets).length;
    if (old === null) diff.added(rows);
    else diff.removed(rows);
    return diff.finish(job.symbol, old === null ? 'added' : 'removed');
  }
  if (old.kind === 'csv' && next.kind === 'csv') {
    compareCsvFiles(old.bytes, next.bytes, setup.units, diff, marks);
    return diff.finish(job.symbol, null);
  }
  if (old.kind === 'qlib' && next.kind === 'qlib' && setup.calendarsAligned && sameFields(old.fields, next.fields)) {
    return diff.finish(job.symbol, null);
  }
  collectSide(setup, old, 'old', oldRows, marks ? [marks.old] : []);
  collectSide(setup, next, 'new', newRows, marks ? [marks.new] : []);
  compareDayRows(oldRows, newRows, diff);
  return diff.finish(job.symbol, null);
}

function readSide(side: DiffSide): SideBytes {
  if (side.kind === 'csv') return { kind: 'csv', bytes: readByteRefSync(side.data) };
  const fields = new Map<string, Buffer>();
  for (const { field, data } of side.fields) if (QLIB_DIFF_FIELDS.has(field)) fields.set(field, readByteRefSync(data));
  return { kind: 'qlib', fields };
}

function collectSide(
  setup: DiffSetup,
  side: SideBytes,
  which: 'old' | 'new',
  into: DayRows,
  targets: readonly Uint8Array[],
): DayRows {
  if (side.kind === 'csv') collectCsvRows(side.bytes, setup.units[which], into);
  else collectQlibRows(side.fields, setup.calendars[which]!, into);
  for (const target of targets) markRowDays(into, target);
  return into;
}

/** The same compared field files, byte for byte. */
function sameFields(a: ReadonlyMap<string, Buffer>, b: ReadonlyMap<string, Buffer>): boolean {
  if (a.size !== b.size) return false;
  for (const [field, bytes] of a) if (!b.get(field)?.equals(bytes)) return false;
  return true;
}
