import type Database from 'better-sqlite3';
import { prepareOnce } from '../db/prepareOnce';
import type { CheckCode, Severity } from './checkCodes';
import type { Finding } from './toFinding';

export interface ListFindingsQuery {
  /** Exact symbol; day-level findings (empty, thin, frozen days) have none and drop out. */
  readonly symbol?: string;
  readonly check?: CheckCode;
  readonly limit: number;
  readonly offset: number;
}

export interface FindingRow extends Finding {
  readonly id: number;
}

export interface FindingsPage {
  readonly total: number;
  readonly items: FindingRow[];
  /** Samples per check in the whole run (ignoring the filters), for a filter menu. */
  readonly checks: { readonly check_code: CheckCode; readonly severity: Severity; readonly count: number }[];
}

const COUNT_CHECKS = `
  SELECT check_code, max(severity) AS severity, COUNT(*) AS count FROM analysis_issues WHERE run_id = @runId
  GROUP BY check_code ORDER BY check_code`;

/**
 * One page of a run's finding samples (analysis_issues), by symbol (day-level findings first), then in the order they
 * were found: the order of the (run_id, symbol) index, so no page sorts the run's samples. Each filter combination
 * has its own statement.
 */
export function listFindings(db: Database.Database, runId: number, query: ListFindingsQuery): FindingsPage {
  const conditions = ['run_id = @runId'];
  if (query.symbol !== undefined) conditions.push('symbol = @symbol');
  if (query.check !== undefined) conditions.push('check_code = @check');
  const where = conditions.join(' AND ');
  const params = { runId, symbol: query.symbol, check: query.check, limit: query.limit, offset: query.offset };
  const count = `SELECT COUNT(*) AS n FROM analysis_issues WHERE ${where}`;
  const total = prepareOnce<typeof params, { n: number }>(db, count).get(params)?.n ?? 0;
  const items = prepareOnce<typeof params, FindingRow>(
    db,
    `SELECT issue_id AS id, symbol, trade_date, check_code, severity, line_no, detail FROM analysis_issues
     WHERE ${where} ORDER BY symbol, issue_id LIMIT @limit OFFSET @offset`,
  ).all(params);
  const checks = prepareOnce<{ runId: number }, FindingsPage['checks'][number]>(db, COUNT_CHECKS).all({ runId });
  return { total, items, checks };
}
