import type { BundleSummary } from '../../src/analysis/metricNames';
import { classifySymbolStatus } from '../../src/analysis/symbolStatus';

/** The level `analyze --fail-on` fails at. */
export type FailLevel = 'error' | 'warn';

/**
 * What in a bundle reaches `level`, in words (empty when nothing does): symbols of that status or worse, and the days
 * the checks flag, of error severity (empty and frozen days) or, for `warn`, thin days too.
 */
export function findingsAtLevel(summary: BundleSummary, level: FailLevel): string[] {
  const statuses = { ok: 0, warn: 0, error: 0 };
  for (const metrics of Object.values(summary.symbols)) statuses[classifySymbolStatus(metrics)]++;
  const { empty_calendar_days: empty, frozen_days: frozen, thin_days: thin } = summary.bundle;
  const found = [
    [statuses.error, 'symbol(s) with errors'],
    [level === 'warn' ? statuses.warn : 0, 'symbol(s) with warnings'],
    [empty, 'empty calendar day(s)'],
    [frozen, 'frozen day(s)'],
    [level === 'warn' ? thin : 0, 'thin day(s)'],
  ] as const;
  return found.filter(([count]) => count > 0).map(([count, what]) => `${count} ${what}`);
}
