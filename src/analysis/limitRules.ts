import { parseIsoDay } from './dayNumbers';
import type { RuleSet } from './metricNames';
import type { Board } from './symbolCodes';

/**
 * A-share daily price limits as a date-effective table, because the rules changed over time (ChiNext went from 10%
 * to 20% on 2020-08-24; main-board IPOs lost their first-day cap on 2023-04-10). Shared by the analyzer and the
 * synthetic generator. A row applies from `from` until the next row for the same board. Limits are whole percents so
 * the generator can compute limit prices in integer fen. Version the table when a rule changes.
 */
export interface LimitRule {
  readonly board: Board;
  /** First trade date (inclusive) the rule applies to. */
  readonly from: string;
  /** Daily limit in percent for ordinary stocks. */
  readonly percent: number;
  /** Daily limit in percent for ST / *ST stocks. */
  readonly stPercent: number;
  /** Trading days without a limit after an IPO listed on or after `from`. */
  readonly ipoFreeDays: number;
}

export const LIMIT_RULES_VERSION = 'cn-a-2023-04-10';

const LIMIT_RULES: readonly LimitRule[] = [
  // Before 2023-04-10 a main-board IPO day was capped at +44%; the first row has no previous close, so it is moot.
  { board: 'sh_main', from: '1996-12-16', percent: 10, stPercent: 5, ipoFreeDays: 0 },
  { board: 'sh_main', from: '2023-04-10', percent: 10, stPercent: 5, ipoFreeDays: 5 },
  { board: 'sz_main', from: '1996-12-16', percent: 10, stPercent: 5, ipoFreeDays: 0 },
  { board: 'sz_main', from: '2023-04-10', percent: 10, stPercent: 5, ipoFreeDays: 5 },
  { board: 'chinext', from: '2009-10-30', percent: 10, stPercent: 5, ipoFreeDays: 0 },
  { board: 'chinext', from: '2020-08-24', percent: 20, stPercent: 20, ipoFreeDays: 5 },
  { board: 'star', from: '2019-07-22', percent: 20, stPercent: 20, ipoFreeDays: 5 },
  { board: 'bj', from: '2021-11-15', percent: 30, stPercent: 30, ipoFreeDays: 1 },
];

/** For boards outside the table (non-A-share symbols): qlib's generic rule, |return| > 50% is a breach. */
export const GENERIC_BREACH_RATIO = 0.5;

const PARSED = LIMIT_RULES.map((rule) => ({ ...rule, fromDay: parseIsoDay(rule.from) }));

function ruleOn(board: Board, dayNumber: number): (LimitRule & { fromDay: number }) | undefined {
  let found: (LimitRule & { fromDay: number }) | undefined;
  for (const rule of PARSED) if (rule.board === board && rule.fromDay <= dayNumber) found = rule;
  return found;
}

/** Limit percent on a trade date, or null when the board has no limit rule then (before it existed, or `other`). */
export function limitPercentOn(board: Board, isSt: boolean, dayNumber: number): number | null {
  const percent = limitPercentAt(limitStepsFor(board, isSt), dayNumber);
  return Number.isNaN(percent) ? null : percent;
}

/** Trading days without a limit for an IPO that listed on `listDay` (0 when unknown or before the table). */
export function ipoFreeDaysFor(board: Board, listDay: number): number {
  return ruleOn(board, listDay)?.ipoFreeDays ?? 0;
}

/**
 * Exchange limit price in fen: round-half-up of ref × (100 ± percent) / 100, in fen. The small epsilon absorbs binary
 * floating-point error so an exact half fen (ref 10.05 × 1.1 = 11.055) rounds up as the exchange does.
 */
export function limitPriceFen(refFen: number, percent: number, direction: 1 | -1): number {
  return Math.floor((refFen * (100 + direction * percent)) / 100 + 0.5 + 1e-7);
}

/** A-share symbols (a board from the table) get the board rules; every other symbol the generic rule. */
export function ruleSetFor(board: Board): RuleSet {
  return board === 'other' ? 'generic' : 'cn-a';
}

/** One board's limit percents by date, newest rule first, as typed arrays (see limitStepsFor). */
export interface LimitSteps {
  readonly fromDays: Int32Array;
  readonly percents: Float64Array;
}

const STEPS = new Map<string, LimitSteps>();
const SYMBOL_STEPS = new Map<string, SymbolLimitSteps>();

// Every board's steps are made before any analysis runs: when optimised code that reads them has seen only one
// board's arrays and a second board's are created later, V8 widens the field's type and throws that code away.
for (const board of ['sh_main', 'sz_main', 'chinext', 'star', 'bj', 'other'] as const) {
  symbolLimitSteps(board, false);
  symbolLimitSteps(board, true);
}

/**
 * A board's and ST status's rule changes, newest first, as typed arrays: limitPercentAt compares the few changes
 * directly, and fillLimitPercents turns them into a percent per day for the per-day loops.
 */
export function limitStepsFor(board: Board, isSt: boolean): LimitSteps {
  const key = `${board}:${isSt}`;
  const cached = STEPS.get(key);
  if (cached) return cached;
  const rules = PARSED.filter((rule) => rule.board === board).reverse();
  const steps: LimitSteps = {
    fromDays: Int32Array.from(rules, (rule) => rule.fromDay),
    percents: Float64Array.from(rules, (rule) => (isSt ? rule.stPercent : rule.percent)),
  };
  STEPS.set(key, steps);
  return steps;
}

/** A symbol's limit steps: its own (ST or not, as instruments.csv says), and the two a row's own ST flag picks from. */
export interface SymbolLimitSteps {
  readonly symbol: LimitSteps;
  readonly plain: LimitSteps;
  readonly st: LimitSteps;
}

export function symbolLimitSteps(board: Board, isSt: boolean): SymbolLimitSteps {
  const key = `${board}:${isSt}`;
  let steps = SYMBOL_STEPS.get(key);
  if (!steps) {
    steps = { symbol: limitStepsFor(board, isSt), plain: limitStepsFor(board, false), st: limitStepsFor(board, true) };
    SYMBOL_STEPS.set(key, steps);
  }
  return steps;
}

/** Limit percent on a day number (NaN when no rule applies that day). */
export function limitPercentAt(steps: LimitSteps, dayNumber: number): number {
  const { fromDays, percents } = steps;
  for (let i = 0; i < fromDays.length; i++) if (fromDays[i]! <= dayNumber) return percents[i]!;
  return NaN;
}
