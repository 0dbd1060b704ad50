import type Database from 'better-sqlite3';
import { prepareOnce } from '../../db/prepareOnce';
import type { BundleDiff } from './diffBundles';
import { DIFF_TOTAL_NAMES, type DiffSample } from './diffTypes';
import {
  getBundleDiff,
  getDiffSymbol,
  getLatestDiffId,
  listDiffSymbols,
  type DiffSymbolsQuery,
  type StoredDiff,
  type StoredSymbolDiff,
} from './readBundleDiffs';

export interface RecordDiffInput {
  readonly taskId: string | null;
  /** The install compared with; null for a first install (nothing to compare with). */
  readonly fromBundleId: number | null;
  readonly toBundleId: number;
  /** The diff; null exactly when there is no previous generation. */
  readonly diff: BundleDiff | null;
  readonly createdAt: string;
  readonly seconds: number | null;
}

export interface DiffStore {
  /** The diff recorded for an install, if any (a stage run again after a restart finds it). */
  findDiffOf(toBundleId: number): number | null;
  /** Writes a whole diff (its symbols and samples) in one transaction; returns its id. */
  recordDiff(input: RecordDiffInput): number;
  /** The newest diff (no id) or the one named; null when there is none. */
  getDiff(diffId?: number): StoredDiff | null;
  /** The id of the newest diff, or null. */
  latestDiffId(): number | null;
  listSymbols(diffId: number, query: DiffSymbolsQuery): { total: number; items: StoredSymbolDiff[] };
  /** One symbol's change with its sample rows, or null when the diff has no change for it. */
  getSymbol(diffId: number, symbol: string): (StoredSymbolDiff & { samples: DiffSample[] }) | null;
  /**
   * The diff side of retention, as for analysis runs: deletes the diffs whose task retention has removed (their
   * symbols and samples go with them), except the newest, which describes the latest install. Returns how many.
   */
  purgeDiffs(): number;
}

const TOTAL_COLUMNS = DIFF_TOTAL_NAMES.join(', ');
const TOTAL_PARAMS = DIFF_TOTAL_NAMES.map((name) => `@${name}`).join(', ');
const NULL_TOTALS = Object.fromEntries(DIFF_TOTAL_NAMES.map((name) => [name, null]));

/** The diff tables: written whole at the end of a diff, read by the API (statements prepared once per connection). */
export function createDiffStore(db: Database.Database): DiffStore {
  const findByInstall = prepareOnce<[number], { diff_id: number }>(
    db,
    'SELECT diff_id FROM market_data_bundle_diffs WHERE to_bundle_id = ?',
  );
  const insertDiff = prepareOnce(
    db,
    `INSERT INTO market_data_bundle_diffs (task_id, from_bundle_id, to_bundle_id, from_format, to_format, created_at,
       seconds, ${TOTAL_COLUMNS})
     VALUES (@taskId, @fromBundleId, @toBundleId, @fromFormat, @toFormat, @createdAt, @seconds, ${TOTAL_PARAMS})`,
  );
  const insertSymbol = prepareOnce(
    db,
    `INSERT INTO market_data_bundle_diff_symbols (diff_id, symbol, change, rows_added, rows_removed, rows_restated,
       readjusted, readjust_ratio, first_restated_date, last_restated_date)
     VALUES (@diffId, @symbol, @change, @rows_added, @rows_removed, @rows_restated, @readjusted, @readjust_ratio,
       @first_restated_date, @last_restated_date)`,
  );
  const insertSample = prepareOnce(
    db,
    `INSERT INTO market_data_bundle_diff_samples (diff_id, symbol, trade_date, field, old_value, new_value)
     VALUES (@diffId, @symbol, @tradeDate, @field, @old, @new)`,
  );

  const record = db.transaction((input: RecordDiffInput): number => {
    const { diff } = input;
    const diffId = Number(
      insertDiff.run({
        taskId: input.taskId,
        fromBundleId: input.fromBundleId,
        toBundleId: input.toBundleId,
        fromFormat: diff?.from.format ?? null,
        toFormat: diff?.to.format ?? null,
        createdAt: input.createdAt,
        seconds: input.seconds,
        ...(diff?.totals ?? NULL_TOTALS),
      }).lastInsertRowid,
    );
    for (const symbol of diff?.symbols ?? []) {
      if (symbol.change === 'unchanged') continue;
      const { samples, readjusted, ...counts } = symbol;
      insertSymbol.run({ ...counts, diffId, readjusted: readjusted ? 1 : 0 });
      for (const sample of samples) {
        const { trade_date: tradeDate, field, old, new: next } = sample;
        insertSample.run({ diffId, symbol: symbol.symbol, tradeDate, field, old, new: next });
      }
    }
    return diffId;
  });

  return {
    findDiffOf: (toBundleId) => findByInstall.get(toBundleId)?.diff_id ?? null,
    recordDiff: (input) => record.immediate(input),
    getDiff: (diffId) => getBundleDiff(db, diffId),
    latestDiffId: () => getLatestDiffId(db),
    listSymbols: (diffId, query) => listDiffSymbols(db, diffId, query),
    getSymbol: (diffId, symbol) => getDiffSymbol(db, diffId, symbol),
    purgeDiffs: () =>
      prepareOnce(
        db,
        `DELETE FROM market_data_bundle_diffs
         WHERE diff_id <> COALESCE((SELECT MAX(diff_id) FROM market_data_bundle_diffs), -1)
           AND (task_id IS NULL OR task_id NOT IN (SELECT task_id FROM market_data_tasks))`,
      ).run().changes,
  };
}
