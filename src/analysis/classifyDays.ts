import type { DayCounts } from './dayCounts';

export type DayFlag = 'empty' | 'thin' | 'frozen';

/** Neighbours on each side for the thin-day median, the thin threshold, and the guards for small bundles. */
const THIN_NEIGHBOURS = 10;
const THIN_RATIO = 0.8;
const THIN_MIN_MEDIAN = 5;
const FROZEN_RATIO = 0.9;
const FROZEN_MIN_SYMBOLS = 5;

/**
 * Flags for every calendar index in [first, last] (the bundle span), with these definitions:
 * - empty: no symbol has a valid row that day;
 * - thin: not empty, and fewer valid symbols than 0.8 × the median of the ±10 neighbouring calendar days in the
 *   span (the day itself excluded, empty neighbours included), only when that median is at least 5;
 * - frozen: at least 5 symbols have valid rows on this and the previous calendar day, and at least 90% of them
 *   repeat the previous day's (o,h,l,c,v) with volume > 0.
 */
export function classifyDays(days: DayCounts, first: number, last: number): Map<number, DayFlag[]> {
  const flags = new Map<number, DayFlag[]>();
  const add = (index: number, flag: DayFlag): void => {
    const list = flags.get(index);
    if (list) list.push(flag);
    else flags.set(index, [flag]);
  };
  for (let index = first; index <= last; index++) {
    const count = days.valid[index]!;
    if (count === 0) {
      add(index, 'empty');
      continue;
    }
    const median = neighbourMedian(days.valid, index, first, last);
    if (median >= THIN_MIN_MEDIAN && count < THIN_RATIO * median) add(index, 'thin');
    const adjacent = days.adjacent[index]!;
    if (adjacent >= FROZEN_MIN_SYMBOLS && days.identical[index]! >= FROZEN_RATIO * adjacent) add(index, 'frozen');
  }
  return flags;
}

function neighbourMedian(counts: Int32Array, index: number, first: number, last: number): number {
  const values: number[] = [];
  for (let i = Math.max(first, index - THIN_NEIGHBOURS); i <= Math.min(last, index + THIN_NEIGHBOURS); i++) {
    if (i !== index) values.push(counts[i]!);
  }
  if (values.length === 0) return 0;
  values.sort((a, b) => a - b);
  const mid = values.length >> 1;
  return values.length % 2 === 1 ? values[mid]! : (values[mid - 1]! + values[mid]!) / 2;
}
