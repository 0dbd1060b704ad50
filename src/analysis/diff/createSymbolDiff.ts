import { formatDayNumber } from '../dayNumbers';
import {
  DIFF_FIELDS,
  FACTOR,
  SAMPLES_PER_SYMBOL,
  type DiffSample,
  type SymbolChange,
  type SymbolDiff,
} from './diffTypes';

/** Collects one symbol's row differences; `finish` decides re-adjustment and returns the symbol's diff. */
export interface SymbolDiffBuilder {
  added(count?: number): void;
  removed(count?: number): void;
  /** A date in both bundles whose row is the same (not compared field by field). */
  same(day: number): void;
  /**
   * Compares one date present in both bundles. Values are in DIFF_FIELDS order, raw (see DIFF_FIELDS); the factor
   * tolerances are each factor's own rounding, absolute (half a unit of the last decimal written, or float32's);
   * `oldTol` and `newTol`, by field, how far a raw value read back from an adjusted one may be off (see readLineValues).
   */
  compare(
    day: number,
    old: Float64Array,
    next: Float64Array,
    oldFactorTol: number,
    newFactorTol: number,
    oldTol: Float64Array,
    newTol: Float64Array,
  ): void;
  finish(symbol: string, change: Exclude<SymbolChange, 'unchanged'> | null): SymbolDiff;
}

/**
 * `relative`: how far two raw values may be apart and still be equal, relative to the larger. 0 for decimal text on
 * both sides (parsed the same way, "10.0" and "10" are the same number); about 1e-6 when a side is float32.
 */
export function createSymbolDiff(relative: number): SymbolDiffBuilder {
  let rowsAdded = 0;
  let rowsRemoved = 0;
  let restated = 0;
  let firstDay = -1;
  let lastDay = -1;
  // The earliest and latest common dates whose factor did not change: a re-adjustment leaves them outside its block.
  let firstSame = Infinity;
  let lastSame = -Infinity;
  const samples: { day: number; field: number; old: number; next: number }[] = [];
  // Dates whose factor changed: re-adjusted history if one ratio explains them all, else restated factors.
  const factorRows: FactorChange[] = [];

  const restate = (day: number): void => {
    restated++;
    if (firstDay < 0 || day < firstDay) firstDay = day;
    if (day > lastDay) lastDay = day;
  };
  const same = (day: number): void => {
    if (day < firstSame) firstSame = day;
    if (day > lastSame) lastSame = day;
  };
  const sample = (day: number, field: number, old: number, next: number): void => {
    if (samples.length < SAMPLES_PER_SYMBOL) samples.push({ day, field, old, next });
  };

  /** A value as reported: null when not a number; from float32 data, without digits float32 does not hold. */
  const shown = (value: number): number | null =>
    !Number.isFinite(value) ? null : relative > 0 ? Number(value.toPrecision(7)) : value;

  return {
    added: (count = 1) => void (rowsAdded += count),
    removed: (count = 1) => void (rowsRemoved += count),
    same,
    compare(day, old, next, oldFactorTol, newFactorTol, oldTol, newTol) {
      let raw = false;
      for (let field = 0; field < FACTOR; field++) {
        const a = old[field]!;
        const b = next[field]!;
        if (sameValue(a, b, relative)) continue;
        if (Math.abs(a - b) <= oldTol[field]! + newTol[field]!) continue;
        raw = true;
        sample(day, field, a, b);
      }
      if (raw) restate(day);
      const a = old[FACTOR]!;
      const b = next[FACTOR]!;
      if (!sameValue(a, b, relative))
        factorRows.push({ day, old: a, next: b, oldTol: oldFactorTol, newTol: newFactorTol, raw });
      else same(day);
    },
    finish(symbol, change) {
      const ratio = isEdgeBlock(factorRows, firstSame, lastSame) ? commonRatio(factorRows) : null;
      if (ratio === null) {
        for (const row of factorRows) {
          sample(row.day, FACTOR, row.old, row.next);
          if (!row.raw) restate(row.day);
        }
      }
      const readjusted = ratio !== null;
      const kind = change ?? (rowsAdded + rowsRemoved + restated > 0 || readjusted ? 'changed' : 'unchanged');
      return {
        symbol,
        change: kind,
        rows_added: rowsAdded,
        rows_removed: rowsRemoved,
        rows_restated: restated,
        readjusted,
        readjust_ratio: ratio === null ? null : shown(ratio),
        first_restated_date: firstDay < 0 ? null : formatDayNumber(firstDay),
        last_restated_date: lastDay < 0 ? null : formatDayNumber(lastDay),
        samples: samples
          .sort((x, y) => x.day - y.day || x.field - y.field)
          .map((s): DiffSample => ({
            trade_date: formatDayNumber(s.day),
            field: DIFF_FIELDS[s.field]!,
            old: shown(s.old),
            new: shown(s.next),
          })),
      };
    },
  };
}

interface FactorChange {
  readonly day: number;
  readonly old: number;
  readonly next: number;
  readonly oldTol: number;
  readonly newTol: number;
  /** The row's raw values differ too (it is restated either way). */
  readonly raw: boolean;
}

/**
 * Whether the dates whose factor changed are the earliest or the latest of the dates both bundles have: a new
 * corporate action rescales the whole history before it (forward adjustment, or qlib's renormalised series) or from
 * it on (backward adjustment), never a few dates in the middle.
 */
function isEdgeBlock(rows: readonly FactorChange[], firstSame: number, lastSame: number): boolean {
  let first = Infinity;
  let last = -Infinity;
  for (const row of rows) {
    if (row.day < first) first = row.day;
    if (row.day > last) last = row.day;
  }
  return last < firstSame || first > lastSame;
}

/**
 * The ratio new ÷ old factor when one ratio explains every changed factor within its rounding (a new corporate action
 * rescales the adjusted history before it, or a forward-adjusted series is renormalised); null when there is no
 * changed factor, a factor is missing or not positive, or the ratios disagree (a corrected factor history).
 */
function commonRatio(rows: readonly FactorChange[]): number | null {
  if (rows.length === 0) return null;
  // The largest old factor has the smallest relative rounding: its ratio is the reference.
  let reference = rows[0]!;
  for (const row of rows) {
    if (!(row.old > 0 && row.next > 0 && row.old < Infinity && row.next < Infinity)) return null;
    if (row.old > reference.old) reference = row;
  }
  const ratio = reference.next / reference.old;
  if (Math.abs(ratio - 1) < 1e-12) return null;
  for (const row of rows) {
    // Both factors were rounded when written (the old one's rounding scales with the ratio), and so was the reference
    // the ratio came from: twice the row's own rounding covers both.
    const tolerance = 2 * (row.newTol + ratio * row.oldTol) + 1e-12 * row.next;
    if (Math.abs(row.next - ratio * row.old) > tolerance) return null;
  }
  return ratio;
}

/** Equal numbers, or both missing (NaN), or both unreadable (the parser's -Infinity), or within `relative`. */
export function sameValue(a: number, b: number, relative: number): boolean {
  if (a === b) return true;
  if (a !== a && b !== b) return true; // both NaN
  if (relative === 0 || !Number.isFinite(a) || !Number.isFinite(b)) return false;
  return Math.abs(a - b) <= relative * Math.max(Math.abs(a), Math.abs(b));
}
