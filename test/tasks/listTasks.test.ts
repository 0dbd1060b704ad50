import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/errors';
import type { Task, TaskSource, TaskType } from '../../src/tasks/taskTypes';
import { createTestStore, expectAppError } from './testStore';
import type { TestStore } from './testStore';

let t: TestStore;
beforeEach(() => {
  t = createTestStore();
});
afterEach(() => t.close());

/** Creates and finishes a task (the mutex allows one active task at a time). */
function finishedTask(taskType: TaskType, source: TaskSource, outcome: 'success' | 'failed'): Task {
  const task = t.store.createTask({ taskType, source });
  t.store.startTask(task.task_id);
  return outcome === 'success' ? t.store.succeedTask(task.task_id) : t.store.failTask(task.task_id, 'x');
}

function collectAllPages(query: { limit: number; status?: 'success' | 'failed' }): Task[][] {
  const pages: Task[][] = [];
  let cursor: string | undefined;
  do {
    const page = t.store.listTasks({ ...query, cursor });
    pages.push([...page.tasks]);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return pages;
}

describe('AC-07 listing tasks', () => {
  it('lists newest first', () => {
    const a = finishedTask('download', 'manual', 'success');
    t.clock.advance(1000);
    const b = finishedTask('analyze', 'schedule', 'failed');
    t.clock.advance(1000);
    const c = t.store.createTask({ taskType: 'download', source: 'manual' });
    expect(t.store.listTasks().tasks.map((x) => x.task_id)).toEqual([c.task_id, b.task_id, a.task_id]);
    expect(t.store.listTasks().nextCursor).toBeNull();
  });

  it('filters by status, type and source, alone and combined', () => {
    finishedTask('download', 'manual', 'success');
    finishedTask('download', 'schedule', 'failed');
    finishedTask('analyze', 'manual', 'failed');
    finishedTask('analyze', 'schedule', 'success');
    const ids = (q: Parameters<typeof t.store.listTasks>[0]) => t.store.listTasks(q).tasks.length;
    expect(ids({ status: 'failed' })).toBe(2);
    expect(ids({ taskType: 'analyze' })).toBe(2);
    expect(ids({ source: 'schedule' })).toBe(2);
    expect(ids({ status: 'failed', taskType: 'analyze', source: 'manual' })).toBe(1);
    expect(ids({ status: 'running' })).toBe(0);
    for (const task of t.store.listTasks({ status: 'success', source: 'schedule' }).tasks) {
      expect(task).toMatchObject({ status: 'success', source: 'schedule' });
    }
  });

  it('pages with a cursor through tasks that share created_at, without gaps or repeats', () => {
    // The clock stands still: all 23 tasks get the same created_at, so only the compound cursor keeps order.
    const created = Array.from({ length: 23 }, () => finishedTask('download', 'manual', 'success').task_id);
    const pages = collectAllPages({ limit: 5 });
    expect(pages.map((p) => p.length)).toEqual([5, 5, 5, 5, 3]);
    const seen = pages.flat().map((x) => x.task_id);
    expect(new Set(seen).size).toBe(23);
    expect([...seen].sort()).toEqual([...created].sort());
  });

  it('keeps paging stable when new tasks arrive between pages', () => {
    for (let i = 0; i < 6; i++) {
      finishedTask('download', 'manual', 'success');
      t.clock.advance(1000);
    }
    const first = t.store.listTasks({ limit: 3 });
    finishedTask('analyze', 'manual', 'success'); // newer than everything: belongs before page 1
    const second = t.store.listTasks({ limit: 3, cursor: first.nextCursor! });
    const ids = [...first.tasks, ...second.tasks].map((x) => x.task_id);
    expect(new Set(ids).size).toBe(6);
    expect(second.tasks.every((x) => x.task_type === 'download')).toBe(true);
  });

  it('applies filters across pages', () => {
    for (let i = 0; i < 8; i++) finishedTask('download', 'manual', i % 2 === 0 ? 'success' : 'failed');
    const pages = collectAllPages({ limit: 3, status: 'failed' });
    expect(pages.flat()).toHaveLength(4);
    expect(pages.flat().every((x) => x.status === 'failed')).toBe(true);
  });

  it('allows a limit up to 200 and rejects larger, zero or fractional limits', () => {
    expect(t.store.listTasks({ limit: 200 }).tasks).toEqual([]);
    expectAppError(
      () => t.store.listTasks({ limit: 201 }),
      ErrorCode.InvalidRequest,
      /limit must be from 1 to 200; got 201/,
    );
    expectAppError(() => t.store.listTasks({ limit: 0 }), ErrorCode.InvalidRequest, /limit/);
    expectAppError(() => t.store.listTasks({ limit: 2.5 }), ErrorCode.InvalidRequest, /limit must be an integer/);
  });

  it('rejects unknown filter values and a forged cursor', () => {
    expectAppError(
      () => t.store.listTasks({ status: 'done' as never }),
      ErrorCode.InvalidRequest,
      /status must be one of/,
    );
    expectAppError(() => t.store.listTasks({ taskType: 'x' as never }), ErrorCode.InvalidRequest, /task_type/);
    expectAppError(() => t.store.listTasks({ source: 'x' as never }), ErrorCode.InvalidRequest, /source/);
    expectAppError(
      () => t.store.listTasks({ cursor: 'bm9wZQ' }),
      ErrorCode.InvalidRequest,
      /cursor is not one this API returned/,
    );
  });
});
