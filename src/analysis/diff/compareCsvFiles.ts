import { DAY_LIMIT } from '../dayNumbers';
import type { SymbolDiffBuilder } from './createSymbolDiff';
import { lineEnd } from '../scanCsvLine';
import { lineDay, readCsvDiffHeader, readLineValues, type CsvDiffHeader, type CsvUnits } from './csvDiffRows';
import { DIFF_FIELDS } from './diffTypes';

/** Marks, by day number, the dates that have a row (for calendars derived from the rows); null when not needed. */
export interface DayMarks {
  readonly old: Uint8Array;
  readonly new: Uint8Array;
}

// The old file's lines in order (start, end without the LF, day or -1) and, by day, the index of its first line: reused
// from symbol to symbol (reset through the list of days set).
let lineStart: Int32Array = new Int32Array(8192);
let lineEndAt: Int32Array = new Int32Array(8192);
let lineDayOf: Int32Array = new Int32Array(8192);
const firstLine = new Int32Array(DAY_LIMIT).fill(-1);
const newSeen = new Uint8Array(DAY_LIMIT);
const oldValues = new Float64Array(DIFF_FIELDS.length);
const newValues = new Float64Array(DIFF_FIELDS.length);
const oldTol = new Float64Array(DIFF_FIELDS.length);
const newTol = new Float64Array(DIFF_FIELDS.length);
// Lines compared in one go while the files agree: doubled after each agreeing run, back to the minimum after a miss.
const MIN_RUN = 16;
const MAX_RUN = 4096;

/**
 * Compares one symbol's csv-daily files row by row (a row is the first line of a date, as the analysis keeps it).
 * Bytes first: equal files cost one comparison. Otherwise the old file's lines are indexed by date, and the new file
 * is walked against them: while the two agree byte for byte, whole runs of lines are compared at once and their dates
 * come from the index; a new line that differs has its date read and is matched by date, and only when its text
 * differs from the old row's are both parsed and compared as numbers ("10.0" and "10" are equal). Any order of lines,
 * duplicates and gaps give the same result as matching every row by date.
 */
export function compareCsvFiles(
  oldBytes: Buffer,
  newBytes: Buffer,
  units: { readonly old: CsvUnits; readonly new: CsvUnits },
  diff: SymbolDiffBuilder,
  marks: DayMarks | null,
): void {
  if (oldBytes.equals(newBytes)) {
    if (marks) countCsvRows(oldBytes, units.old, [marks.old, marks.new]);
    return;
  }
  const oh = readCsvDiffHeader(oldBytes, units.old);
  const nh = readCsvDiffHeader(newBytes, units.new);
  if (oh === null || nh === null) {
    // A file without a date column has no rows: the other file's rows are all added or all removed.
    if (oh !== null) diff.removed(countCsvRows(oldBytes, units.old, marks ? [marks.old] : []));
    if (nh !== null) diff.added(countCsvRows(newBytes, units.new, marks ? [marks.new] : []));
    return;
  }
  const sameHeader =
    oh.volumeMul === nh.volumeMul &&
    oh.amountMul === nh.amountMul &&
    newBytes.compare(oldBytes, oh.headerStart, oh.headerEnd, nh.headerStart, nh.headerEnd) === 0;

  // Index the old file.
  let lines = 0;
  const oldDays: number[] = [];
  forEachLine(
    oldBytes,
    oh,
    (day, start, end) => {
      if (lines === lineStart.length) growLines();
      lineStart[lines] = start;
      lineEndAt[lines] = end;
      lineDayOf[lines] = day;
      if (day >= 0 && firstLine[day]! < 0) {
        firstLine[day] = lines;
        oldDays.push(day);
        if (marks) marks.old[day] = 1;
      }
      lines++;
    },
    true,
  );

  const newDays: number[] = [];
  let matched = 0;
  /** The new line [start, end): the first of its date in the new file, or a duplicate; `copyOf`: the old line it equals. */
  const takeRow = (day: number, start: number, end: number, copyOf: number): void => {
    if (newSeen[day] === 1) return;
    newSeen[day] = 1;
    newDays.push(day);
    if (marks) marks.new[day] = 1;
    const first = firstLine[day]!;
    if (first < 0) return diff.added();
    matched++;
    if (first === copyOf) return diff.same(day);
    const [from, to] = [lineStart[first]!, lineEndAt[first]!];
    if (sameHeader && newBytes.compare(oldBytes, from, to, start, end) === 0) return diff.same(day);
    const oldFactorTol = readLineValues(oldBytes, from, to, oh, oldValues, oldTol);
    const newFactorTol = readLineValues(newBytes, start, end, nh, newValues, newTol);
    diff.compare(day, oldValues, newValues, oldFactorTol, newFactorTol, oldTol, newTol);
  };

  const newLength = newBytes.length;
  let pos = nh.bodyStart;
  let next = 0; // the old line the new file is expected to continue with
  let run = MIN_RUN;
  while (pos < newLength) {
    if (sameHeader && next < lines) {
      const last = Math.min(lines, next + run) - 1;
      const length = lineEndAt[last]! - lineStart[next]!;
      const stop = pos + length;
      if (
        stop <= newLength &&
        (stop === newLength || newBytes[stop] === 10) &&
        newBytes.compare(oldBytes, lineStart[next], lineEndAt[last], pos, stop) === 0
      ) {
        // The same lines: their dates are the old lines' dates.
        const shift = pos - lineStart[next]!;
        for (let k = next; k <= last; k++) {
          const day = lineDayOf[k]!;
          if (day >= 0) takeRow(day, lineStart[k]! + shift, lineEndAt[k]! + shift, k);
        }
        pos = stop + 1;
        next = last + 1;
        run = Math.min(MAX_RUN, run * 2);
        continue;
      }
      if (run > 1) {
        run = run > MIN_RUN ? MIN_RUN : 1; // narrow down to the line that differs
        continue;
      }
    }
    run = MIN_RUN;
    const end = lineEnd(newBytes, pos);
    const day = lineDay(newBytes, pos, end, nh);
    if (day >= 0) {
      takeRow(day, pos, end, -1);
      // Resume after the old line of this date: after a restated line, the files usually agree again.
      if (firstLine[day]! >= 0) next = firstLine[day]! + 1;
    }
    pos = end + 1;
  }
  diff.removed(oldDays.length - matched);
  for (const day of oldDays) firstLine[day] = -1;
  for (const day of newDays) newSeen[day] = 0;
}

function growLines(): void {
  const grow = (old: Int32Array): Int32Array => {
    const next = new Int32Array(old.length * 2);
    next.set(old);
    return next;
  };
  lineStart = grow(lineStart);
  lineEndAt = grow(lineEndAt);
  lineDayOf = grow(lineDayOf);
}

/** Counts a file's rows (distinct dates) and marks their days in each of `targets`; for added and removed symbols. */
export function countCsvRows(bytes: Buffer, units: CsvUnits, targets: readonly Uint8Array[]): number {
  const header = readCsvDiffHeader(bytes, units);
  return header === null ? 0 : countRows(bytes, header, targets);
}

function countRows(bytes: Buffer, header: CsvDiffHeader, targets: readonly Uint8Array[]): number {
  const days: number[] = [];
  forEachLine(bytes, header, (day) => {
    if (newSeen[day] === 1) return;
    newSeen[day] = 1;
    days.push(day);
    for (const target of targets) target[day] = 1;
  });
  for (const day of days) newSeen[day] = 0;
  return days.length;
}

/** Calls `visit` with every data line that has a readable date: its day number and byte range (without the LF). */
/**
 * Calls `visit` with every data line that has a readable date (or, with `everyLine`, every line, the day -1 when it
 * has none): its day number and byte range without the LF.
 */
function forEachLine(
  bytes: Buffer,
  header: CsvDiffHeader,
  visit: (day: number, start: number, end: number) => void,
  everyLine = false,
): void {
  const length = bytes.length;
  let pos = header.bodyStart;
  while (pos < length) {
    const end = lineEnd(bytes, pos);
    const day = lineDay(bytes, pos, end, header);
    if (day >= 0 || everyLine) visit(day, pos, end);
    pos = end + 1;
  }
}
