import { CHECK_SEVERITY, type CheckCode, type SampledIssue, type Severity } from './checkCodes';
import { formatDayNumber } from './dayNumbers';

/** A sampled issue as it is stored and served (`GET /bundle/findings`) and as `market-data analyze --symbol` prints it. */
export interface Finding {
  readonly symbol: string | null;
  readonly trade_date: string | null;
  readonly check_code: CheckCode;
  readonly severity: Severity;
  /** Line of the data file (1 = header), or null for findings about a whole symbol or day. */
  readonly line_no: number | null;
  readonly detail: string | null;
}

export function toFinding(issue: SampledIssue): Finding {
  return {
    symbol: issue.symbol,
    trade_date: issue.day >= 0 ? formatDayNumber(issue.day) : null,
    check_code: issue.check,
    severity: CHECK_SEVERITY[issue.check],
    line_no: issue.line > 0 ? issue.line : null,
    detail: issue.detail,
  };
}
