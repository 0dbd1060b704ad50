import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { expect } from 'vitest';
import { openDatabase } from '../../src/db/openDatabase';
import { AppError } from '../../src/errors';
import type { ErrorCode } from '../../src/errors';
import { createTaskStore } from '../../src/tasks/taskStore';
import type { TaskStore } from '../../src/tasks/taskStore';
import { createManualClock, createTempDir } from '../db/tempDatabase';

export interface TestStore {
  readonly store: TaskStore;
  readonly db: Database.Database;
  readonly clock: ReturnType<typeof createManualClock>;
  readonly close: () => void;
}

/** A store over a fresh temp database file with a hand-driven clock. */
export function createTestStore(): TestStore {
  const temp = createTempDir('task-store-');
  const db = openDatabase(join(temp.dir, 'tasks.sqlite3'));
  const clock = createManualClock();
  const store = createTaskStore(db, { clock: clock.now });
  return {
    store,
    db,
    clock,
    close() {
      db.close();
      temp.cleanup();
    },
  };
}

/** Runs `fn`, asserts it throws an AppError with `code` and a message matching `message`, returns the error. */
export function expectAppError(fn: () => unknown, code: ErrorCode, message?: RegExp): AppError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(AppError);
  const error = caught as AppError;
  expect(error.code).toBe(code);
  if (message) expect(error.message).toMatch(message);
  return error;
}

/** A task id that is well-formed but not in the database. */
export const UNKNOWN_TASK_ID = '99999999-9999-4999-8999-999999999999';
