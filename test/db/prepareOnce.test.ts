import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type Database from 'better-sqlite3';
import { openDatabase } from '../../src/db/openDatabase';
import { prepareOnce } from '../../src/db/prepareOnce';
import { createTempDir } from './tempDatabase';

let temp: ReturnType<typeof createTempDir>;
let first: Database.Database;
let second: Database.Database;

beforeEach(() => {
  temp = createTempDir('prepare-once-');
  first = openDatabase(join(temp.dir, 'first.sqlite3'));
  second = openDatabase(join(temp.dir, 'second.sqlite3'));
});

afterEach(() => {
  first.close();
  second.close();
  temp.cleanup();
});

describe('prepareOnce', () => {
  it('hands out one statement per connection and SQL text', () => {
    const sql = 'SELECT count(*) AS n FROM market_data_tasks';
    const statement = prepareOnce<[], { n: number }>(first, sql);
    expect(prepareOnce(first, sql)).toBe(statement);
    expect(prepareOnce(first, `${sql} WHERE 1`)).not.toBe(statement);
    expect(statement.get()).toEqual({ n: 0 });
  });

  it('keeps the statements of two connections apart', () => {
    const sql = 'SELECT count(*) AS n FROM market_data_tasks';
    const onFirst = prepareOnce(first, sql);
    const onSecond = prepareOnce(second, sql);
    expect(onSecond).not.toBe(onFirst);
    expect(onSecond.database).toBe(second);
  });

  it('fails at the first use of a statement the schema cannot answer, and caches nothing for it', () => {
    const sql = 'SELECT nope FROM market_data_tasks';
    expect(() => prepareOnce(first, sql)).toThrow(/no such column: nope/);
    first.exec('ALTER TABLE market_data_tasks ADD COLUMN nope TEXT');
    expect(prepareOnce(first, sql).all()).toEqual([]);
  });
});
