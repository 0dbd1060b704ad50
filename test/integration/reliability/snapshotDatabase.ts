import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';

/**
 * A digest of every row of every table (tasks, logs, bundles, analysis), read through a separate read-only
 * connection, so a test can prove that a request changed nothing. Returns the row count per table beside it, which
 * makes a failure readable.
 */
export function snapshotDatabase(dbPath: string): { digest: string; rows: Record<string, number> } {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    const hash = createHash('sha256');
    const rows: Record<string, number> = {};
    const tables = db
      .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .all();
    for (const { name } of tables) {
      const all = db
        .prepare(`SELECT * FROM "${name.replaceAll('"', '""')}" ORDER BY rowid`)
        .raw()
        .all();
      rows[name] = all.length;
      hash
        .update(name)
        .update(
          JSON.stringify(all, (_key, value: unknown) => (Buffer.isBuffer(value) ? value.toString('hex') : value)),
        );
    }
    return { digest: hash.digest('hex'), rows };
  } finally {
    db.close();
  }
}
