import type Database from 'better-sqlite3';
import { prepareOnce } from '../db/prepareOnce';

/** A bundle as installed into `bundles/current` (by a download, or brought back by a rollback). */
export interface BundleInstall {
  readonly bundle_id: number;
  readonly task_id: string | null;
  readonly source_url: string;
  readonly sha256: string | null;
  readonly size_bytes: number;
  readonly etag: string | null;
  readonly last_modified: string | null;
  readonly archive_type: string;
  readonly entries: number;
  readonly extracted_bytes: number;
  readonly installed_at: string;
  /** `csv-daily`, `csv-long` or `qlib-bin`; null for installs recorded before the install check existed. */
  readonly layout: string | null;
  readonly symbol_count: number | null;
  readonly row_count: number | null;
  readonly last_date: string | null;
  /** 1 when an admin forced the install past the shrink or rollback refusal. */
  readonly forced: 0 | 1;
  /** The install whose files are in `bundles/previous` while this one is current. */
  readonly previous_bundle_id: number | null;
  /** On a rollback's row: the install whose files it brought back. */
  readonly restored_bundle_id: number | null;
  /** When a rollback replaced this install (downloads of the same archive are then refused unless forced). */
  readonly rolled_back_at: string | null;
  readonly rolled_back_by_task_id: string | null;
}

export type NewBundleInstall = Omit<
  BundleInstall,
  'bundle_id' | 'installed_at' | 'restored_bundle_id' | 'rolled_back_at' | 'rolled_back_by_task_id'
>;

export interface BundleStore {
  /** The newest install, i.e. what `bundles/current` holds; null before the first install. */
  getInstalledBundle(): BundleInstall | null;
  /** The install kept in `bundles/previous` (what a rollback brings back); null when none is kept. */
  getPreviousBundle(): BundleInstall | null;
  recordInstall(install: NewBundleInstall): BundleInstall;
  /**
   * Records that `taskId` exchanged current and previous: a new row describing the restored install becomes
   * current, with the replaced one as its previous, and the replaced one is marked rolled back. Null (and nothing
   * written) when no previous install is recorded.
   */
  recordRollback(taskId: string): BundleInstall | null;
  /** The install a rollback replaced whose archive had this digest, unless it was installed again since. */
  findRolledBack(sha256: string): BundleInstall | null;
}

export function createBundleStore(db: Database.Database, clock: () => Date = () => new Date()): BundleStore {
  const newest = prepareOnce<[], BundleInstall>(
    db,
    'SELECT * FROM market_data_bundles ORDER BY bundle_id DESC LIMIT 1',
  );
  const byId = prepareOnce<[number], BundleInstall>(db, 'SELECT * FROM market_data_bundles WHERE bundle_id = ?');
  const newestWithDigest = prepareOnce<[string], BundleInstall>(
    db,
    'SELECT * FROM market_data_bundles WHERE sha256 = ? ORDER BY bundle_id DESC LIMIT 1',
  );
  const insert = prepareOnce<
    NewBundleInstall & { installed_at: string; restored_bundle_id: number | null },
    BundleInstall
  >(
    db,
    `INSERT INTO market_data_bundles
       (task_id, source_url, sha256, size_bytes, etag, last_modified, archive_type, entries, extracted_bytes,
        installed_at, layout, symbol_count, row_count, last_date, forced, previous_bundle_id, restored_bundle_id)
     VALUES (@task_id, @source_url, @sha256, @size_bytes, @etag, @last_modified, @archive_type, @entries,
             @extracted_bytes, @installed_at, @layout, @symbol_count, @row_count, @last_date, @forced,
             @previous_bundle_id, @restored_bundle_id)
     RETURNING *`,
  );
  const markRolledBack = prepareOnce<{ bundle_id: number; at: string; task_id: string }>(
    db,
    `UPDATE market_data_bundles SET rolled_back_at = @at, rolled_back_by_task_id = @task_id
     WHERE bundle_id = @bundle_id`,
  );

  function insertRow(install: NewBundleInstall, restored: number | null): BundleInstall {
    const row = insert.get({ ...install, installed_at: clock().toISOString(), restored_bundle_id: restored });
    if (row === undefined) throw new Error('INSERT ... RETURNING returned no row');
    return row;
  }

  function getPreviousBundle(): BundleInstall | null {
    const current = newest.get();
    return current?.previous_bundle_id == null ? null : (byId.get(current.previous_bundle_id) ?? null);
  }

  const rollback = db.transaction((taskId: string): BundleInstall | null => {
    const current = newest.get();
    const restored = getPreviousBundle();
    if (current === undefined || restored === null) return null;
    markRolledBack.run({ bundle_id: current.bundle_id, at: clock().toISOString(), task_id: taskId });
    return insertRow(
      {
        ...pickInstallFields(restored),
        task_id: taskId,
        forced: 0,
        previous_bundle_id: current.bundle_id,
      },
      restored.bundle_id,
    );
  });

  return {
    getInstalledBundle: () => newest.get() ?? null,
    getPreviousBundle,
    recordInstall: (install) => insertRow(install, null),
    recordRollback: (taskId) => rollback.immediate(taskId),
    findRolledBack(sha256) {
      const row = newestWithDigest.get(sha256);
      return row?.rolled_back_at == null ? null : row;
    },
  };
}

/** The identity and size of an install, as a new row restoring it repeats them. */
function pickInstallFields(row: BundleInstall): NewBundleInstall {
  return {
    task_id: row.task_id,
    source_url: row.source_url,
    sha256: row.sha256,
    size_bytes: row.size_bytes,
    etag: row.etag,
    last_modified: row.last_modified,
    archive_type: row.archive_type,
    entries: row.entries,
    extracted_bytes: row.extracted_bytes,
    layout: row.layout,
    symbol_count: row.symbol_count,
    row_count: row.row_count,
    last_date: row.last_date,
    forced: row.forced,
    previous_bundle_id: row.previous_bundle_id,
  };
}
