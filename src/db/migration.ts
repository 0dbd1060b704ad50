/** One schema step. Released migrations are append-only: never edit one, add the next number. */
export interface Migration {
  /** Becomes `PRAGMA user_version` once applied; consecutive from 1. */
  readonly version: number;
  readonly name: string;
  /** One or more statements, applied in a single transaction. */
  readonly sql: string;
  /**
   * Rebuilds tables that others reference (the only way to change a CHECK in SQLite). Foreign-key enforcement is
   * turned off around the transaction, as SQLite documents for this case, so dropping the old table neither cascades
   * nor fails; `PRAGMA foreign_key_check` must then come back clean before the step commits.
   */
  readonly rebuildsTables?: boolean;
}
