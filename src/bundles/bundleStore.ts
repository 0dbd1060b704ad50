import type Database from 'better-sqlite3';

/** A bundle as installed into `bundles/current`. */
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
}

export type NewBundleInstall = Omit<BundleInstall, 'bundle_id' | 'installed_at'>;

export interface BundleStore {
  /** The newest install, i.e. what `bundles/current` holds; null before the first install. */
  getInstalledBundle(): BundleInstall | null;
  recordInstall(install: NewBundleInstall): BundleInstall;
}

export function createBundleStore(db: Database.Database, clock: () => Date = () => new Date()): BundleStore {
  const newest = db.prepare<[], BundleInstall>('SELECT * FROM market_data_bundles ORDER BY bundle_id DESC LIMIT 1');
  const insert = db.prepare<NewBundleInstall & { installed_at: string }, BundleInstall>(
    `INSERT INTO market_data_bundles
       (task_id, source_url, sha256, size_bytes, etag, last_modified, archive_type, entries, extracted_bytes, installed_at)
     VALUES (@task_id, @source_url, @sha256, @size_bytes, @etag, @last_modified, @archive_type, @entries,
             @extracted_bytes, @installed_at)
     RETURNING *`,
  );
  return {
    getInstalledBundle: () => newest.get() ?? null,
    recordInstall(install) {
      const row = insert.get({ ...install, installed_at: clock().toISOString() });
      if (row === undefined) throw new Error('INSERT ... RETURNING returned no row');
      return row;
    },
  };
}
