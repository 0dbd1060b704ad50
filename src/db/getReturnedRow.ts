import type Database from 'better-sqlite3';

/**
 * Runs an `INSERT`/`UPDATE … RETURNING` and gives its first row (undefined when it wrote no row). Never `.get()`
 * such a statement: get() stops at the first row and resets the statement, and in autocommit mode SQLite commits
 * only when the statement halts, inside that reset, whose failure better-sqlite3 does not report. The caller would
 * hold a row that was rolled back (SQLITE_FULL on a full disk, SQLITE_BUSY at commit with the rollback journal).
 * all() steps the statement to its end, so a failed commit throws.
 */
export function getReturnedRow<P extends object, R>(statement: Database.Statement<[P], R>, params: P): R | undefined {
  return statement.all(params)[0];
}
