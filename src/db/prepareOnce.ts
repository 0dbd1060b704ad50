import type Database from 'better-sqlite3';

type Prepared<P extends unknown[] | object, R> = P extends unknown[]
  ? Database.Statement<P, R>
  : Database.Statement<[P], R>;

export interface PrepareOptions {
  /**
   * Rows as arrays of values in column order (better-sqlite3's raw mode) instead of named objects: cheaper for hot
   * reads, where looking up every column name of every row costs more than the query. Default false.
   */
  readonly raw?: boolean;
}

const statements = new WeakMap<Database.Database, { named: Map<string, unknown>; raw: Map<string, unknown> }>();

/**
 * The connection's statement for `sql`, prepared on its first use and reused for the connection's life. Every store
 * prepares through here, at creation for its fixed statements and per call for those built from a validated choice
 * (a sort column, a set of filters); keyed by the SQL text and the row shape, so two stores on one connection share
 * a statement. Ask for raw rows here: never toggle a shared statement's mode (`raw`, `pluck`, `expand`).
 */
export function prepareOnce<P extends unknown[] | object = unknown[], R = unknown>(
  db: Database.Database,
  sql: string,
  options: PrepareOptions = {},
): Prepared<P, R> {
  let caches = statements.get(db);
  if (caches === undefined) statements.set(db, (caches = { named: new Map(), raw: new Map() }));
  const cache = options.raw === true ? caches.raw : caches.named;
  let statement = cache.get(sql);
  if (statement === undefined) {
    const prepared = db.prepare<P, R>(sql);
    cache.set(sql, (statement = options.raw === true ? prepared.raw() : prepared));
  }
  return statement as Prepared<P, R>;
}
