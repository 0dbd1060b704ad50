import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Migration } from './migration';
import { migrate } from './migrate';
import { migrations as allMigrations } from './migrations';

export interface OpenDatabaseOptions {
  /**
   * `wal` (default) for a file on local disk. Use `delete` when the file lives on a network share (for example
   * Azure's SMB-backed `/home`), where WAL's shared-memory index is not safe.
   */
  readonly journalMode?: 'wal' | 'delete';
  /** How long a statement waits for another connection's write lock, in ms. Default 5000. */
  readonly busyTimeoutMs?: number;
  /** Schema steps to apply; default: all of the app's migrations. */
  readonly migrations?: readonly Migration[];
}

/**
 * Opens the process's one connection: creates the parent directory, sets the pragmas every connection needs, then
 * applies pending migrations. Close it on shutdown.
 */
export function openDatabase(path: string, options: OpenDatabaseOptions = {}): Database.Database {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  try {
    // busy_timeout first: switching to WAL and migrating both need a lock another process may hold.
    db.pragma(`busy_timeout = ${checkedTimeout(options.busyTimeoutMs ?? 5000)}`);
    db.pragma(`journal_mode = ${options.journalMode === 'delete' ? 'DELETE' : 'WAL'}`);
    // NORMAL is durable across app crashes in WAL mode; only an OS crash can lose the last commits.
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    migrate(db, options.migrations ?? allMigrations);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

function checkedTimeout(ms: number): number {
  if (!Number.isSafeInteger(ms) || ms < 0) throw new RangeError(`busyTimeoutMs must be a non-negative integer`);
  return ms;
}
