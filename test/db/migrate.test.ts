import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate } from '../../src/db/migrate';
import type { Migration } from '../../src/db/migration';
import { isAppError } from '../../src/errors';
import { createTempDir } from './tempDatabase';

let temp: ReturnType<typeof createTempDir>;
let db: Database.Database;
beforeEach(() => {
  temp = createTempDir();
  db = new Database(join(temp.dir, 'm.sqlite3'));
});
afterEach(() => {
  db.close();
  temp.cleanup();
});

const one: Migration = { version: 1, name: 'one', sql: 'CREATE TABLE a (x INTEGER);' };
const two: Migration = { version: 2, name: 'two', sql: 'CREATE TABLE b (y INTEGER);' };

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('migrate', () => {
  it('applies pending migrations in order and records the version', () => {
    expect(migrate(db, [one])).toEqual({ from: 0, to: 1 });
    expect(migrate(db, [one, two])).toEqual({ from: 1, to: 2 });
    expect(db.pragma('user_version', { simple: true })).toBe(2);
    expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE name IN ('a', 'b')").pluck().get()).toBe(2);
  });

  it('does nothing when the database is already current', () => {
    migrate(db, [one, two]);
    expect(migrate(db, [one, two])).toEqual({ from: 2, to: 2 });
  });

  it('rolls back a failing migration completely and keeps the earlier ones', () => {
    const broken: Migration = { version: 2, name: 'broken', sql: 'CREATE TABLE c (z INTEGER); SELECT * FROM nope;' };
    expect(() => migrate(db, [one, broken])).toThrow(/nope/);
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'c'").pluck().get()).toBe(0);
  });

  it('refuses a database whose schema is newer than the code, naming both versions', () => {
    db.pragma('user_version = 7');
    const error = thrown(() => migrate(db, [one, two]));
    expect(isAppError(error, 'INVALID_CONFIG')).toBe(true);
    expect((error as Error).message).toMatch(/version 7, newer than this app knows \(2\)/);
  });

  it('rejects a migration list with a gap in its versions', () => {
    expect(() => migrate(db, [one, { ...two, version: 3 }])).toThrow(/consecutive from 1/);
  });
});
