import { BUNDLE_ONLY_METRICS, SYMBOL_COUNT_METRICS, type BundleSummary } from '../../src/analysis/metricNames';
import { classifySymbolStatus } from '../../src/analysis/symbolStatus';

const MAX_LISTED_SYMBOLS = 20;
const RULE_SET_METRICS = new Set(['cn_a_rule_symbols', 'generic_rule_symbols']);

/** A readable report: bundle totals (n/a where the format cannot express a metric), then the symbols with findings. */
export function formatSummary(summary: BundleSummary): string {
  const { bundle } = summary;
  const lines = [
    `Bundle: ${summary.format}, ${bundle.symbol_count} symbols, ${bundle.rows_written ?? 0} rows, ` +
      `${bundle.first_date ?? '-'} .. ${bundle.last_date ?? '-'}, calendar ${summary.calendar_source === 'bundle' ? 'from the bundle' : 'derived from the dates'}`,
    `Rule sets: cn-a (A-share board limits) ${bundle.cn_a_rule_symbols} symbols, generic (|return| > 50%) ${bundle.generic_rule_symbols} symbols`,
    '',
    'Totals:',
  ];
  const names = [
    ...SYMBOL_COUNT_METRICS.filter((name) => name !== 'rows_written'),
    ...BUNDLE_ONLY_METRICS.filter((name) => name !== 'symbol_count' && !RULE_SET_METRICS.has(name)),
  ];
  const width = Math.max(...names.map((name) => name.length));
  for (const name of names) lines.push(`  ${name.padEnd(width)}  ${bundle[name] ?? 'n/a'}`);

  const flagged = Object.entries(summary.symbols)
    .map(([symbol, metrics]) => ({ symbol, metrics, status: classifySymbolStatus(metrics) }))
    .filter((entry) => entry.status !== 'ok')
    .sort((a, b) => (a.status === b.status ? (a.symbol < b.symbol ? -1 : 1) : a.status === 'error' ? -1 : 1));
  lines.push('', `Symbols with findings: ${flagged.length} of ${bundle.symbol_count}`);
  for (const { symbol, metrics, status } of flagged.slice(0, MAX_LISTED_SYMBOLS)) {
    const findings = SYMBOL_COUNT_METRICS.filter((name) => name !== 'rows_written' && (metrics[name] ?? 0) > 0)
      .map((name) => `${name}=${metrics[name]}`)
      .join(' ');
    lines.push(`  ${symbol.padEnd(12)} ${status.padEnd(5)} ${metrics.rule_set.padEnd(7)} ${findings}`);
  }
  if (flagged.length > MAX_LISTED_SYMBOLS) lines.push(`  … ${flagged.length - MAX_LISTED_SYMBOLS} more (use --json)`);
  return `${lines.join('\n')}\n`;
}
