import type { BundleDiff } from '../../src/analysis/diff/diffBundles';
import {
  DIFF_TOTAL_NAMES,
  describeDiffTotals,
  type DiffTotals,
  type SymbolDiff,
} from '../../src/analysis/diff/diffTypes';
import type { DiffSideInfo } from '../../src/analysis/diff/prepareDiffSide';

/** `market-data diff --json`: the API's answer for a diff, with each symbol's samples in place. */
export interface DiffReport {
  readonly from: DiffSideInfo & { readonly path: string };
  readonly to: DiffSideInfo & { readonly path: string };
  readonly totals: DiffTotals;
  /** Every changed symbol, in the API's default order: restated first. */
  readonly symbols: readonly SymbolDiff[];
}

const LISTED = 20;

export function toDiffReport(diff: BundleDiff, oldPath: string, newPath: string): DiffReport {
  const symbols = [...diff.symbols].sort(
    (a, b) =>
      b.rows_restated - a.rows_restated ||
      Number(b.readjusted) - Number(a.readjusted) ||
      (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0),
  );
  return {
    from: { path: oldPath, ...diff.from },
    to: { path: newPath, ...diff.to },
    totals: diff.totals,
    symbols,
  };
}

/** A readable report: the one-line summary, the totals, then restated, re-adjusted, added and removed symbols. */
export function formatDiff(report: DiffReport): string {
  const side = (s: DiffReport['from']): string => `${s.path} (${s.format}, ${s.layout})`;
  const lines = [
    `Old: ${side(report.from)}`,
    `New: ${side(report.to)}`,
    '',
    describeDiffTotals(report.totals),
    '',
    'Totals:',
  ];
  const width = Math.max(...DIFF_TOTAL_NAMES.map((name) => name.length));
  for (const name of DIFF_TOTAL_NAMES) lines.push(`  ${name.padEnd(width)}  ${report.totals[name]}`);

  const restated = report.symbols.filter((s) => s.rows_restated > 0);
  lines.push('', `Restated symbols: ${restated.length}`);
  for (const s of restated.slice(0, LISTED)) {
    const first = s.samples[0];
    const example = first
      ? `  e.g. ${first.trade_date} ${first.field} ${first.old ?? 'n/a'} → ${first.new ?? 'n/a'}`
      : '';
    lines.push(
      `  ${s.symbol.padEnd(12)} ${String(s.rows_restated).padStart(6)} ${s.rows_restated === 1 ? 'row ' : 'rows'}  ${s.first_restated_date} .. ${s.last_restated_date}${example}`,
    );
  }
  if (restated.length > LISTED) lines.push(`  … ${restated.length - LISTED} more (use --json)`);
  const readjusted = report.symbols.filter((s) => s.readjusted);
  lines.push('', `Re-adjusted symbols (history rescaled by a new factor, not restated): ${readjusted.length}`);
  for (const s of readjusted.slice(0, LISTED)) lines.push(`  ${s.symbol.padEnd(12)} factor × ${s.readjust_ratio}`);
  for (const change of ['added', 'removed'] as const) {
    const names = report.symbols.filter((s) => s.change === change).map((s) => s.symbol);
    const shown = names.slice(0, LISTED).join(', ');
    lines.push(
      '',
      `${change === 'added' ? 'Added' : 'Removed'} symbols: ${names.length}${shown ? `: ${shown}` : ''}${names.length > LISTED ? ', …' : ''}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
