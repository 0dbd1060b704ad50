import type Database from 'better-sqlite3';
import { prepareOnce } from '../db/prepareOnce';
import { AppError, ErrorCode } from '../errors';
import { SYMBOL_COUNT_METRICS, type SymbolMetrics } from './metricNames';
import type { SymbolStatus } from './symbolStatus';

/** Columns a client may sort by; a leading `-` sorts descending. Validated, never interpolated from input. */
const SYMBOL_SORT_KEYS = [
  'symbol',
  'status',
  'board',
  'rule_set',
  'first_date',
  'last_date',
  ...SYMBOL_COUNT_METRICS,
] as const;
export type SymbolSortKey = (typeof SYMBOL_SORT_KEYS)[number];
export type SymbolSort = SymbolSortKey | `-${SymbolSortKey}`;

const MAX_SYMBOL_PAGE = 1000;

export interface ListSymbolMetricsQuery {
  /** Case-insensitive substring of the symbol. */
  readonly q?: string;
  readonly limit: number;
  readonly offset: number;
  readonly sort: string;
}

export interface SymbolMetricsRow extends SymbolMetrics {
  readonly symbol: string;
  readonly board: string;
  readonly is_st: boolean;
  readonly status: SymbolStatus;
  readonly is_delisted: boolean;
  readonly max_stale_run: number;
}

export interface SymbolMetricsPage {
  readonly total: number;
  readonly items: SymbolMetricsRow[];
}

const SORTS = new Set<string>(SYMBOL_SORT_KEYS);
const COUNT_SYMBOLS = `
  SELECT COUNT(*) AS n FROM analysis_symbol_metrics WHERE run_id = @runId AND symbol LIKE @pattern ESCAPE '\\'`;

/** One page of a run's per-symbol metrics. Throws INVALID_REQUEST for an unknown sort key or a bad page. */
export function listSymbolMetrics(
  db: Database.Database,
  runId: number,
  query: ListSymbolMetricsQuery,
): SymbolMetricsPage {
  const descending = query.sort.startsWith('-');
  const key = descending ? query.sort.slice(1) : query.sort;
  if (!SORTS.has(key)) {
    throw new AppError(ErrorCode.InvalidRequest, `Unknown sort key "${query.sort}".`, {
      details: { allowed: [...SYMBOL_SORT_KEYS] },
    });
  }
  if (!Number.isSafeInteger(query.limit) || query.limit < 1 || query.limit > MAX_SYMBOL_PAGE) {
    throw new AppError(ErrorCode.InvalidRequest, `limit must be an integer from 1 to ${MAX_SYMBOL_PAGE}.`);
  }
  if (!Number.isSafeInteger(query.offset) || query.offset < 0) {
    throw new AppError(ErrorCode.InvalidRequest, 'offset must be a non-negative integer.');
  }
  const pattern = `%${(query.q ?? '').replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
  const params = { runId, pattern, limit: query.limit, offset: query.offset };
  const total = prepareOnce<typeof params, { n: number }>(db, COUNT_SYMBOLS).get(params)?.n ?? 0;
  const direction = descending ? 'DESC' : 'ASC';
  // `key` is one of SYMBOL_SORT_KEYS (checked above), so it is safe as an identifier. Not-applicable (NULL) metrics
  // sort last in either direction.
  const rows = prepareOnce<typeof params, Record<string, unknown>>(
    db,
    `SELECT * FROM analysis_symbol_metrics WHERE run_id = @runId AND symbol LIKE @pattern ESCAPE '\\'
     ORDER BY ${key} IS NULL, ${key} ${direction}, symbol ASC LIMIT @limit OFFSET @offset`,
  ).all(params);
  return { total, items: rows.map(toItem) };
}

function toItem(row: Record<string, unknown>): SymbolMetricsRow {
  const item: Record<string, unknown> = {
    symbol: row.symbol,
    board: row.board,
    rule_set: row.rule_set,
    is_st: row.is_st === 1,
    status: row.status,
    is_delisted: row.is_delisted === 1,
    max_stale_run: row.max_stale_run,
    first_date: row.first_date,
    last_date: row.last_date,
  };
  for (const name of SYMBOL_COUNT_METRICS) item[name] = row[name];
  return item as unknown as SymbolMetricsRow;
}
