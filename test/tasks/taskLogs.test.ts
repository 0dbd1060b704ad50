import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/errors';
import type { Task, TaskLogLevel } from '../../src/tasks/taskTypes';
import { UNKNOWN_TASK_ID, createTestStore, expectAppError } from './testStore';
import type { TestStore } from './testStore';

let t: TestStore;
let task: Task;
beforeEach(() => {
  t = createTestStore();
  task = t.store.createTask({ taskType: 'download', source: 'manual' });
});
afterEach(() => t.close());

describe('AC-06 task logs', () => {
  it('writes task_id, timestamp, level, stage and message, and returns the line with its id', () => {
    t.clock.advance(250);
    const line = t.store.log(task.task_id, 'INFO', 'download started', 'download');
    expect(line).toEqual({
      id: expect.any(Number),
      task_id: task.task_id,
      timestamp: '2025-03-03T10:00:00.250Z',
      level: 'INFO',
      stage: 'download',
      message: 'download started',
    });
    expect(t.store.listLogs(task.task_id)).toEqual([line]);
  });

  it.each(['DEBUG', 'INFO', 'WARNING', 'ERROR'] as const)('accepts level %s', (level) => {
    expect(t.store.log(task.task_id, level, 'x').level).toBe(level);
  });

  it.each([['TRACE'], ['info'], [undefined]])('rejects level %s, naming the supported ones', (level) => {
    expectAppError(
      () => t.store.log(task.task_id, level as never, 'x'),
      ErrorCode.InvalidRequest,
      /level must be one of DEBUG, INFO, WARNING, ERROR/,
    );
  });

  it('rejects an unknown stage and a non-string message', () => {
    expectAppError(() => t.store.log(task.task_id, 'INFO', 'x', 'verify' as never), ErrorCode.InvalidRequest, /stage/);
    expectAppError(
      () => t.store.log(task.task_id, 'INFO', 42 as never),
      ErrorCode.InvalidRequest,
      /message must be a string/,
    );
  });

  it('rejects a log for an unknown task', () => {
    expectAppError(() => t.store.log(UNKNOWN_TASK_ID, 'INFO', 'x'), ErrorCode.TaskNotFound, /does not exist/);
  });

  it('cuts a very long message instead of refusing it', () => {
    const line = t.store.log(task.task_id, 'ERROR', 'y'.repeat(20_000));
    expect(line.message).toHaveLength(8000);
    expect(line.message.endsWith('…')).toBe(true);
  });

  it('pages with "after id" and a limit, oldest first, with increasing ids', () => {
    const ids = Array.from({ length: 7 }, (_, i) => t.store.log(task.task_id, 'INFO', `line ${i}`).id);
    for (let i = 1; i < ids.length; i++) expect(ids[i]).toBeGreaterThan(ids[i - 1]!);
    const first = t.store.listLogs(task.task_id, { limit: 3 });
    expect(first.map((l) => l.message)).toEqual(['line 0', 'line 1', 'line 2']);
    const second = t.store.listLogs(task.task_id, { afterId: first.at(-1)!.id, limit: 3 });
    expect(second.map((l) => l.message)).toEqual(['line 3', 'line 4', 'line 5']);
    const rest = t.store.listLogs(task.task_id, { afterId: second.at(-1)!.id, limit: 3 });
    expect(rest.map((l) => l.message)).toEqual(['line 6']);
    expect(t.store.listLogs(task.task_id, { afterId: rest.at(-1)!.id })).toEqual([]);
  });

  it('filters by minimum level', () => {
    const levels: TaskLogLevel[] = ['DEBUG', 'INFO', 'WARNING', 'ERROR', 'DEBUG', 'WARNING'];
    for (const level of levels) t.store.log(task.task_id, level, level);
    expect(t.store.listLogs(task.task_id, { minLevel: 'WARNING' }).map((l) => l.level)).toEqual([
      'WARNING',
      'ERROR',
      'WARNING',
    ]);
    expect(t.store.listLogs(task.task_id, { minLevel: 'ERROR' }).map((l) => l.level)).toEqual(['ERROR']);
    expect(t.store.listLogs(task.task_id, { minLevel: 'DEBUG' })).toHaveLength(6);
  });

  it('returns only the lines of the requested task', () => {
    t.store.log(task.task_id, 'INFO', 'mine');
    t.store.failTask(task.task_id, 'x');
    const other = t.store.createTask({ taskType: 'analyze', source: 'manual' });
    t.store.log(other.task_id, 'INFO', 'theirs');
    expect(t.store.listLogs(task.task_id).map((l) => l.message)).toEqual(['mine']);
    expect(t.store.listLogs(other.task_id).map((l) => l.message)).toEqual(['theirs']);
  });

  it('keeps accepting lines after the task finished', () => {
    t.store.cancelTask(task.task_id);
    expect(t.store.log(task.task_id, 'INFO', 'cleanup done').task_id).toBe(task.task_id);
  });

  it('rejects bad paging input and unknown tasks', () => {
    expectAppError(
      () => t.store.listLogs(task.task_id, { limit: 0 }),
      ErrorCode.InvalidRequest,
      /limit must be from 1 to 1000/,
    );
    expectAppError(() => t.store.listLogs(task.task_id, { limit: 1001 }), ErrorCode.InvalidRequest, /limit/);
    expectAppError(() => t.store.listLogs(task.task_id, { afterId: -1 }), ErrorCode.InvalidRequest, /after_id/);
    expectAppError(
      () => t.store.listLogs(task.task_id, { minLevel: 'LOUD' as never }),
      ErrorCode.InvalidRequest,
      /min_level/,
    );
    expectAppError(() => t.store.listLogs(UNKNOWN_TASK_ID), ErrorCode.TaskNotFound);
  });
});
