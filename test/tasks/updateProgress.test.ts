import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/errors';
import type { Task } from '../../src/tasks/taskTypes';
import { UNKNOWN_TASK_ID, createTestStore, expectAppError } from './testStore';
import type { TestStore } from './testStore';

let t: TestStore;
let task: Task;
beforeEach(() => {
  t = createTestStore();
  task = t.store.createTask({ taskType: 'download', source: 'manual' });
  t.store.startTask(task.task_id);
});
afterEach(() => t.close());

describe('AC-05 progress updates', () => {
  it('stores progress, stage and message', () => {
    expect(t.store.updateProgress(task.task_id, 25, 'download', '10 MB of 40 MB')).toMatchObject({
      progress: 25,
      stage: 'download',
      message: '10 MB of 40 MB',
    });
    expect(t.store.getTask(task.task_id)).toMatchObject({ progress: 25, stage: 'download' });
  });

  it('accepts the bounds 0 and 100', () => {
    expect(t.store.updateProgress(task.task_id, 0, 'download', null).progress).toBe(0);
    expect(t.store.updateProgress(task.task_id, 100, 'analyze', null).progress).toBe(100);
  });

  it('never decreases: a lower value keeps the higher progress while stage and message still update', () => {
    t.store.updateProgress(task.task_id, 60, 'download', 'late in download');
    const after = t.store.updateProgress(task.task_id, 20, 'unzip', 'unzip started');
    expect(after).toMatchObject({ progress: 60, stage: 'unzip', message: 'unzip started' });
  });

  it('stays monotonic over a long sequence of out-of-order reports', () => {
    const reports = [5, 3, 17, 17, 9, 42, 41, 88, 12, 90, 0, 100, 50];
    const seen = reports.map((p) => t.store.updateProgress(task.task_id, p, 'analyze', `p=${p}`).progress);
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThanOrEqual(seen[i - 1]!);
    expect(seen.at(-1)).toBe(100);
  });

  it('counts as a heartbeat', () => {
    t.clock.advance(30_000);
    t.store.updateProgress(task.task_id, 1, 'download', null);
    expect(t.store.getTaskRecord(task.task_id)?.heartbeat_at).toBe('2025-03-03T10:00:30.000Z');
  });

  it.each([
    [101, /progress must be from 0 to 100; got 101/],
    [-1, /progress must be from 0 to 100; got -1/],
    [12.5, /progress must be an integer from 0 to 100; got 12.5/],
    [Number.NaN, /progress must be an integer from 0 to 100; got NaN/],
    ['50', /progress must be an integer from 0 to 100; got "50"/],
  ])('rejects progress %s with a clear message and changes nothing', (value, message) => {
    t.store.updateProgress(task.task_id, 30, 'download', 'before');
    expectAppError(
      () => t.store.updateProgress(task.task_id, value as number, 'download', 'after'),
      ErrorCode.InvalidRequest,
      message,
    );
    expect(t.store.getTask(task.task_id)).toMatchObject({ progress: 30, message: 'before' });
  });

  it('rejects an unknown stage, naming the known ones', () => {
    expectAppError(
      () => t.store.updateProgress(task.task_id, 10, 'verify' as never, null),
      ErrorCode.InvalidRequest,
      /stage must be one of download, unzip, rollback, diff, analyze; got "verify"/,
    );
  });

  it('rejects an update after the task finished, saying its state', () => {
    t.store.succeedTask(task.task_id);
    expectAppError(
      () => t.store.updateProgress(task.task_id, 50, 'download', null),
      ErrorCode.TaskNotActive,
      /is success; progress can be updated only while it is running/,
    );
  });

  it('rejects an update before the task started', () => {
    t.store.failTask(task.task_id, 'x');
    const pending = t.store.createTask({ taskType: 'analyze', source: 'manual' });
    expectAppError(
      () => t.store.updateProgress(pending.task_id, 5, 'analyze', null),
      ErrorCode.TaskNotActive,
      /is pending/,
    );
  });

  it('rejects an unknown task', () => {
    expectAppError(() => t.store.updateProgress(UNKNOWN_TASK_ID, 5, 'analyze', null), ErrorCode.TaskNotFound);
  });
});
