import type Database from 'better-sqlite3';

type Prepared<P extends unknown[] | object, R> = P extends unknown[]
  ? Database.Statement<P, R>
  : Database.Statement<[P], R>;

const statements = new WeakMap<Database.Database, Map<string, unknown>>();

/**
 * The connection's statement for `sql`, prepared on its first use and reused for the connection's life. Every store
 * prepares through here, at creation for its fixed statements and per call for those built from a validated choice
 * (a sort column, a set of filters); keyed by the SQL text, so two stores on one connection share a statement.
 * Callers must not toggle a shared statement's modes (`pluck`, `raw`, `expand`).
 */
export function prepareOnce<P extends unknown[] | object = unknown[], R = unknown>(
  db: Database.Database,
  sql: string,
): Prepared<P, R> {
  let cache = statements.get(db);
  if (cache === undefined) statements.set(db, (cache = new Map<string, unknown>()));
  let statement = cache.get(sql);
  if (statement === undefined) cache.set(sql, (statement = db.prepare<P, R>(sql)));
  return statement as Prepared<P, R>;
}
