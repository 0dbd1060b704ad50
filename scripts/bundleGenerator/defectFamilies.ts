/**
 * Defect recipes of the synthetic generator: each injects one kind of fault the analysis must find, and moves the
 * metrics its bookkeeping records (so tests compare the analysis with the generator's own counts); the default
 * preset injects every family except `frozen_day`, at most one family per symbol.
 */
export const DEFECT_FAMILIES = [
  'missing_row',
  'missing_block',
  'exact_duplicate',
  'conflicting_duplicate',
  'ohlc_violation',
  'non_positive_price',
  'suspension_fill',
  'zero_volume_trade',
  'stale_run',
  'spike',
  'unadjusted_split',
  'adjusted_split',
  'declared_split',
  'declared_dividend',
  'off_calendar_row',
  'parse_errors',
  'unit_error',
  'unsorted_file',
  'limit_hits',
  'delisted',
  'late_listed',
  'empty_day',
  'frozen_day',
] as const;

export type DefectFamily = (typeof DEFECT_FAMILIES)[number];

/** Families that touch one calendar day across every symbol rather than one symbol. */
export const MARKET_WIDE_FAMILIES: readonly DefectFamily[] = ['empty_day', 'frozen_day'];

export type DefectPreset = 'default' | 'none';

/**
 * Families qlib's binary format can hold as they are (a parse error as a day with some values missing). The rest need
 * a second row for a day (duplicates), a day off the calendar, a row order, or a declared action (qlib folds actions
 * into its factor).
 */
export const QLIB_EXPRESSIBLE_FAMILIES: readonly DefectFamily[] = DEFECT_FAMILIES.filter(
  (family) =>
    ![
      'exact_duplicate',
      'conflicting_duplicate',
      'off_calendar_row',
      'unsorted_file',
      'declared_split',
      'declared_dividend',
    ].includes(family),
);

/** The families a preset stands for; for qlib binary, `default` keeps only what that format can express. */
export function resolveDefects(
  spec: DefectPreset | readonly DefectFamily[],
  format: 'csv-daily' | 'qlib-bin' = 'csv-daily',
): DefectFamily[] {
  if (spec === 'none') return [];
  if (spec === 'default') {
    const all = format === 'qlib-bin' ? QLIB_EXPRESSIBLE_FAMILIES : DEFECT_FAMILIES;
    return all.filter((family) => family !== 'frozen_day');
  }
  return [...new Set(spec)];
}

export function isDefectFamily(name: string): name is DefectFamily {
  return (DEFECT_FAMILIES as readonly string[]).includes(name);
}
