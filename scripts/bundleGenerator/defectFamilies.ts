/**
 * Defect recipes of the synthetic generator (§3d). Each one moves the metrics its bookkeeping records; the default
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

export function resolveDefects(spec: DefectPreset | readonly DefectFamily[]): DefectFamily[] {
  if (spec === 'none') return [];
  if (spec === 'default') return DEFECT_FAMILIES.filter((family) => family !== 'frozen_day');
  return [...new Set(spec)];
}

export function isDefectFamily(name: string): name is DefectFamily {
  return (DEFECT_FAMILIES as readonly string[]).includes(name);
}
