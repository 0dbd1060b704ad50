import type Database from 'better-sqlite3';
import { AppError, ErrorCode } from '../errors';
import type { Migration } from './migration';

export interface MigrationResult {
  /** `user_version` before this call. */
  readonly from: number;
  /** `user_version` after this call. */
  readonly to: number;
}

/**
 * Applies every migration newer than the database's `PRAGMA user_version`, in order, each in its own
 * `BEGIN IMMEDIATE` transaction. Safe when several processes start at once: the version is re-read under the write
 * lock, so a step another process already applied is skipped. Refuses a database newer than `migrations`.
 */
export function migrate(db: Database.Database, migrations: readonly Migration[]): MigrationResult {
  assertConsecutive(migrations);
  const known = migrations.length;
  const from = readUserVersion(db);
  assertNotNewer(from, known);

  for (const migration of migrations) {
    const apply = db.transaction(() => {
      const current = readUserVersion(db);
      assertNotNewer(current, known);
      if (current >= migration.version) return;
      db.exec(migration.sql);
      if (migration.rebuildsTables === true) assertNoForeignKeyViolations(db, migration);
      // PRAGMA takes no bound parameters; the version is a checked integer, not input.
      db.pragma(`user_version = ${migration.version}`);
    });
    // The pragma is a no-op inside a transaction, so it is switched around it (and only when the step is due).
    const enforcing = migration.rebuildsTables === true && readUserVersion(db) < migration.version && foreignKeysOn(db);
    if (enforcing) db.pragma('foreign_keys = OFF');
    try {
      apply.immediate();
    } finally {
      if (enforcing) db.pragma('foreign_keys = ON');
    }
  }
  return { from, to: readUserVersion(db) };
}

function foreignKeysOn(db: Database.Database): boolean {
  return db.pragma('foreign_keys', { simple: true }) === 1;
}

function assertNoForeignKeyViolations(db: Database.Database, migration: Migration): void {
  const violations = db.pragma('foreign_key_check') as unknown[];
  if (violations.length > 0) {
    throw new AppError(
      ErrorCode.Internal,
      `Migration "${migration.name}" would leave ${violations.length} foreign-key violation(s); it was rolled back.`,
    );
  }
}

function readUserVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

function assertNotNewer(version: number, known: number): void {
  if (version > known) {
    throw new AppError(
      ErrorCode.InvalidConfig,
      `The database schema is version ${version}, newer than this app knows (${known}). ` +
        'Deploy the newer app version, or point MARKET_DATA_DB_PATH at another database file.',
    );
  }
}

function assertConsecutive(migrations: readonly Migration[]): void {
  migrations.forEach((migration, index) => {
    if (!Number.isSafeInteger(migration.version) || migration.version !== index + 1) {
      throw new AppError(
        ErrorCode.Internal,
        `Migration "${migration.name}" has version ${migration.version}; versions must be consecutive from 1.`,
      );
    }
  });
}
