import { limitPercentAt, type LimitSteps, type SymbolLimitSteps } from './limitRules';
import type { RowTable } from './rowTable';

/**
 * Writes the limit percent of every day from `first` to `last` into `percents` (by day number, NaN where no rule
 * applies): the symbol's rules, and on a row's day the rules its own ST flag picks (table.st: 1 ST, 0 not ST; a file
 * without the flag leaves the symbol's). Done once per symbol, so the per-day loops read one number per day instead
 * of looking the rules up.
 */
export function fillLimitPercents(
  percents: Float64Array,
  first: number,
  last: number,
  steps: SymbolLimitSteps,
  table: RowTable,
): void {
  if (last < first) return;
  fillSteps(percents, first, last, steps.symbol);
  const { day: days, st } = table;
  for (let row = 0; row < table.length; row++) {
    const flag = st[row]!;
    const day = days[row]!;
    if ((flag === 1 || flag === 0) && day >= first && day <= last) {
      percents[day] = limitPercentAt(flag === 1 ? steps.st : steps.plain, day);
    }
  }
}

/** One rule set's percents over first..last: each step from its first day until the next, NaN before the oldest. */
function fillSteps(percents: Float64Array, first: number, last: number, steps: LimitSteps): void {
  const { fromDays, percents: stepPercents } = steps;
  let end = last + 1;
  // Newest step first: it holds from its first day to the end, each older one until the next begins.
  for (let i = 0; i < fromDays.length && end > first; i++) {
    const from = Math.max(first, fromDays[i]!);
    if (from < end) percents.fill(stepPercents[i]!, from, end);
    end = Math.min(end, from);
  }
  if (end > first) percents.fill(NaN, first, end);
}
