import type Database from 'better-sqlite3';
import { prepareOnce } from '../../db/prepareOnce';
import { DIFF_TOTAL_NAMES, type DiffSample, type DiffTotals, type SymbolDiff } from './diffTypes';

/** An install as a diff names it. */
export interface DiffBundleIdentity {
  readonly bundle_id: number;
  readonly source: string;
  readonly checksum: string | null;
  readonly installed_at: string;
  readonly installed_by_task_id: string | null;
  /** True when a rollback brought this bundle back. */
  readonly restored: boolean;
  readonly format: string | null;
}

export interface StoredDiff {
  readonly diff_id: number;
  readonly task_id: string | null;
  readonly created_at: string;
  readonly seconds: number | null;
  /** Null for a first install: there was no previous generation to compare with. */
  readonly from: DiffBundleIdentity | null;
  readonly to: DiffBundleIdentity;
  readonly totals: DiffTotals | null;
}

export type StoredSymbolDiff = Omit<SymbolDiff, 'samples' | 'change'> & {
  readonly change: 'added' | 'removed' | 'changed';
};

/** Columns a client may sort the symbols by; a leading `-` sorts descending. Validated, never interpolated from input. */
export const DIFF_SORT_KEYS = [
  'symbol',
  'change',
  'rows_added',
  'rows_removed',
  'rows_restated',
  'readjusted',
  'first_restated_date',
  'last_restated_date',
] as const;

/** Which symbols to list: by kind of change. */
export const DIFF_CHANGE_FILTERS = ['added', 'removed', 'changed', 'restated', 'readjusted'] as const;
export type DiffChangeFilter = (typeof DIFF_CHANGE_FILTERS)[number];

export interface DiffSymbolsQuery {
  readonly q?: string;
  readonly change?: DiffChangeFilter;
  /** One of DIFF_SORT_KEYS, optionally with a leading `-`; checked by the caller. */
  readonly sort: string;
  readonly limit: number;
  readonly offset: number;
}

const FILTERS: Readonly<Record<DiffChangeFilter | 'all', string>> = {
  all: '1',
  added: `change = 'added'`,
  removed: `change = 'removed'`,
  changed: `change = 'changed'`,
  restated: 'rows_restated > 0',
  readjusted: 'readjusted = 1',
};

const IDENTITY = (alias: string): string =>
  `${alias}.bundle_id AS ${alias}_bundle_id, ${alias}.source_url AS ${alias}_source, ${alias}.sha256 AS ${alias}_checksum,
   ${alias}.installed_at AS ${alias}_installed_at, ${alias}.task_id AS ${alias}_task_id,
   ${alias}.restored_bundle_id AS ${alias}_restored`;

/** The newest diff (`diffId` undefined) or a given one; null when there is none. */
export function getBundleDiff(db: Database.Database, diffId?: number): StoredDiff | null {
  const row = prepareOnce(
    db,
    `SELECT d.*, ${IDENTITY('f')}, ${IDENTITY('t')}
       FROM market_data_bundle_diffs d
       LEFT JOIN market_data_bundles f ON f.bundle_id = d.from_bundle_id
       JOIN market_data_bundles t ON t.bundle_id = d.to_bundle_id
       ${diffId === undefined ? '' : 'WHERE d.diff_id = @diffId'}
       ORDER BY d.diff_id DESC LIMIT 1`,
  ).get(diffId === undefined ? {} : { diffId }) as Record<string, unknown> | undefined;
  if (row === undefined) return null;
  const identity = (alias: 'f' | 't', format: unknown): DiffBundleIdentity => ({
    bundle_id: row[`${alias}_bundle_id`] as number,
    source: row[`${alias}_source`] as string,
    checksum: row[`${alias}_checksum`] as string | null,
    installed_at: row[`${alias}_installed_at`] as string,
    installed_by_task_id: row[`${alias}_task_id`] as string | null,
    restored: row[`${alias}_restored`] !== null,
    format: format as string | null,
  });
  const compared = row.from_bundle_id !== null;
  return {
    diff_id: row.diff_id as number,
    task_id: row.task_id as string | null,
    created_at: row.created_at as string,
    seconds: row.seconds as number | null,
    from: compared ? identity('f', row.from_format) : null,
    to: identity('t', row.to_format),
    totals: compared
      ? (Object.fromEntries(DIFF_TOTAL_NAMES.map((name) => [name, row[name] as number])) as unknown as DiffTotals)
      : null,
  };
}

/** The id of the newest diff, or null when none is recorded. */
export function getLatestDiffId(db: Database.Database): number | null {
  const row = prepareOnce(db, 'SELECT max(diff_id) AS id FROM market_data_bundle_diffs').get() as {
    id: number | null;
  };
  return row.id;
}

/** One page of a diff's changed symbols. */
export function listDiffSymbols(
  db: Database.Database,
  diffId: number,
  query: DiffSymbolsQuery,
): { total: number; items: StoredSymbolDiff[] } {
  const descending = query.sort.startsWith('-');
  const key = descending ? query.sort.slice(1) : query.sort;
  if (!(DIFF_SORT_KEYS as readonly string[]).includes(key)) throw new Error(`unchecked sort key ${query.sort}`);
  const filter = FILTERS[query.change ?? 'all'];
  const where = `diff_id = @diffId AND symbol LIKE @pattern ESCAPE '\\' AND ${filter}`;
  const params = {
    diffId,
    pattern: `%${(query.q ?? '').replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`,
    limit: query.limit,
    offset: query.offset,
  };
  const total = (
    prepareOnce(db, `SELECT COUNT(*) AS n FROM market_data_bundle_diff_symbols WHERE ${where}`).get(params) as {
      n: number;
    }
  ).n;
  const direction = descending ? 'DESC' : 'ASC';
  // `key` is one of DIFF_SORT_KEYS and `filter` one of FILTERS, so both are safe in the SQL. Nulls sort last; ties put
  // restated symbols first.
  const rows = prepareOnce(
    db,
    `SELECT * FROM market_data_bundle_diff_symbols WHERE ${where}
       ORDER BY ${key} IS NULL, ${key} ${direction}, rows_restated DESC, readjusted DESC, symbol ASC
       LIMIT @limit OFFSET @offset`,
  ).all(params) as Record<string, unknown>[];
  return { total, items: rows.map(toSymbolDiff) };
}

/** One symbol of a diff with its sample rows, or null when the diff has no change for it. */
export function getDiffSymbol(
  db: Database.Database,
  diffId: number,
  symbol: string,
): (StoredSymbolDiff & { samples: DiffSample[] }) | null {
  const row = prepareOnce(
    db,
    'SELECT * FROM market_data_bundle_diff_symbols WHERE diff_id = @diffId AND symbol = @symbol',
  ).get({ diffId, symbol }) as Record<string, unknown> | undefined;
  if (row === undefined) return null;
  const samples = prepareOnce(
    db,
    `SELECT trade_date, field, old_value AS old, new_value AS new FROM market_data_bundle_diff_samples
       WHERE diff_id = @diffId AND symbol = @symbol ORDER BY trade_date, rowid`,
  ).all({ diffId, symbol }) as DiffSample[];
  return { ...toSymbolDiff(row), samples };
}

function toSymbolDiff(row: Record<string, unknown>): StoredSymbolDiff {
  return {
    symbol: row.symbol as string,
    change: row.change as StoredSymbolDiff['change'],
    rows_added: row.rows_added as number,
    rows_removed: row.rows_removed as number,
    rows_restated: row.rows_restated as number,
    readjusted: row.readjusted === 1,
    readjust_ratio: row.readjust_ratio as number | null,
    first_restated_date: row.first_restated_date as string | null,
    last_restated_date: row.last_restated_date as string | null,
  };
}
