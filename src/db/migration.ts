/** One schema step. Released migrations are append-only: never edit one, add the next number. */
export interface Migration {
  /** Becomes `PRAGMA user_version` once applied; consecutive from 1. */
  readonly version: number;
  readonly name: string;
  /** One or more statements, applied in a single transaction. */
  readonly sql: string;
}
