import type { SymbolAnalysis } from '../../src/analysis/createSymbolAnalyzer';
import { ISSUE_SAMPLES_PER_CHECK } from '../../src/analysis/checkCodes';
import { SYMBOL_COUNT_METRICS, type SymbolMetrics } from '../../src/analysis/metricNames';
import type { Board } from '../../src/analysis/symbolCodes';
import { classifySymbolStatus, type SymbolStatus } from '../../src/analysis/symbolStatus';
import { toFinding, type Finding } from '../../src/analysis/toFinding';

/** What `analyze --symbol` reports of one symbol: its metrics and the issues sampled while it was checked. */
export interface SymbolReport {
  readonly status: SymbolStatus;
  readonly board: Board;
  readonly metrics: SymbolMetrics;
  readonly findings: Finding[];
}

export function symbolReportOf(result: SymbolAnalysis): SymbolReport {
  return {
    status: classifySymbolStatus(result.metrics),
    board: result.board,
    metrics: result.metrics,
    findings: result.issues.map(toFinding),
  };
}

/**
 * One symbol for people: status, board and rule set, dates, the counts that are not zero (`n/a` ones named once),
 * then every sampled issue with its date, line, severity, check and detail.
 */
export function formatSymbolReport(symbol: string, report: SymbolReport): string {
  const { metrics, findings } = report;
  const lines = [
    `${symbol}: ${report.status}, board ${report.board}, rule set ${metrics.rule_set}, ` +
      `${metrics.first_date ?? '-'} .. ${metrics.last_date ?? '-'}`,
  ];
  const counts = SYMBOL_COUNT_METRICS.filter((name) => (metrics[name] ?? 0) > 0 || name === 'rows_written');
  lines.push(`  ${counts.map((name) => `${name} ${metrics[name]}`).join(', ')}`);
  const notApplicable = SYMBOL_COUNT_METRICS.filter((name) => metrics[name] === null);
  if (notApplicable.length > 0) lines.push(`  n/a (the format cannot express them): ${notApplicable.join(', ')}`);
  if (findings.length === 0) lines.push('  No issues sampled.');
  else lines.push(`  Sampled issues (${findings.length}; at most ${ISSUE_SAMPLES_PER_CHECK} per check):`);
  const width = Math.max(0, ...findings.map((finding) => finding.check_code.length));
  for (const finding of findings) {
    const where = `${finding.trade_date ?? '-'.padEnd(10)}  ${(finding.line_no === null ? '' : `line ${finding.line_no}`).padEnd(11)}`;
    lines.push(
      `    ${where} ${finding.severity.padEnd(5)}  ${finding.check_code.padEnd(width)}  ${finding.detail ?? ''}`.trimEnd(),
    );
  }
  return `${lines.join('\n')}\n`;
}
