import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/errors';
import type { Task } from '../../src/tasks/taskTypes';
import { UNKNOWN_TASK_ID, createTestStore, expectAppError } from './testStore';
import type { TestStore } from './testStore';

let t: TestStore;
let task: Task;
beforeEach(() => {
  t = createTestStore();
  task = t.store.createTask({ taskType: 'download', source: 'schedule' });
});
afterEach(() => t.close());

describe('AC-04 heartbeat', () => {
  it('records the time of a running task’s heartbeat', () => {
    t.store.startTask(task.task_id);
    t.clock.advance(45_000);
    expect(t.store.heartbeat(task.task_id)).toEqual({ cancelRequested: false });
    expect(t.store.getTaskRecord(task.task_id)?.heartbeat_at).toBe('2025-03-03T10:00:45.000Z');
  });

  it('is refused for a task that is not running, and for an unknown task', () => {
    expectAppError(() => t.store.heartbeat(task.task_id), ErrorCode.TaskNotActive, /is pending/);
    expectAppError(() => t.store.heartbeat(UNKNOWN_TASK_ID), ErrorCode.TaskNotFound);
  });
});

describe('AC-04 cancel request flag', () => {
  it('sets cancel_requested_at once; the heartbeat reports it to the executor', () => {
    t.store.startTask(task.task_id);
    t.clock.advance(1000);
    expect(t.store.requestCancel(task.task_id).cancel_requested_at).toBe('2025-03-03T10:00:01.000Z');
    t.clock.advance(1000);
    // A second request keeps the first time.
    expect(t.store.requestCancel(task.task_id).cancel_requested_at).toBe('2025-03-03T10:00:01.000Z');
    expect(t.store.heartbeat(task.task_id)).toEqual({ cancelRequested: true });
    // The flag alone changes no state: the executor ends the task.
    expect(t.store.getTask(task.task_id)?.status).toBe('running');
    expect(t.store.cancelTask(task.task_id).status).toBe('cancelled');
  });

  it('can be set on a pending task', () => {
    expect(t.store.requestCancel(task.task_id).cancel_requested_at).not.toBeNull();
  });

  it('is refused once the task finished, and for an unknown task', () => {
    t.store.failTask(task.task_id, 'x');
    expectAppError(
      () => t.store.requestCancel(task.task_id),
      ErrorCode.TaskNotActive,
      /already failed; nothing to cancel/,
    );
    expectAppError(() => t.store.requestCancel(UNKNOWN_TASK_ID), ErrorCode.TaskNotFound);
  });
});

describe('AC-04 reconciling a task whose executor is gone', () => {
  it('fails a running task with the reason, keeps its progress, and logs why', () => {
    t.store.startTask(task.task_id);
    t.store.updateProgress(task.task_id, 35, 'unzip', 'unpacking');
    t.clock.advance(5000);
    const failed = t.store.reconcileTask(task.task_id, 'orchestration instance no longer exists');
    expect(failed).toMatchObject({
      status: 'failed',
      error: 'orchestration instance no longer exists',
      progress: 35,
      finished_at: '2025-03-03T10:00:05.000Z',
    });
    expect(t.store.listLogs(task.task_id, { minLevel: 'ERROR' })).toEqual([
      expect.objectContaining({ stage: 'unzip', message: 'Marked failed: orchestration instance no longer exists' }),
    ]);
    // The mutex is released.
    expect(t.store.createTask({ taskType: 'download', source: 'manual' }).status).toBe('pending');
  });

  it('fails a pending task too', () => {
    expect(t.store.reconcileTask(task.task_id, 'never started')?.status).toBe('failed');
  });

  it('leaves a finished task alone and returns null', () => {
    t.store.startTask(task.task_id);
    const done = t.store.succeedTask(task.task_id);
    expect(t.store.reconcileTask(task.task_id, 'too late')).toBeNull();
    expect(t.store.getTask(task.task_id)).toEqual(done);
    expect(t.store.listLogs(task.task_id)).toEqual([]);
  });

  it('requires a reason and a known task', () => {
    expectAppError(() => t.store.reconcileTask(task.task_id, undefined as never), ErrorCode.InvalidRequest, /reason/);
    expectAppError(() => t.store.reconcileTask(UNKNOWN_TASK_ID, 'gone'), ErrorCode.TaskNotFound);
  });
});

describe('AC-04 finding stale tasks', () => {
  it('lists an active task only after its last sign of life is older than the timeout', () => {
    t.store.startTask(task.task_id);
    t.clock.advance(119_000);
    expect(t.store.listStaleTasks(120)).toEqual([]);
    t.clock.advance(2000);
    expect(t.store.listStaleTasks(120).map((x) => x.task_id)).toEqual([task.task_id]);
    t.store.heartbeat(task.task_id);
    expect(t.store.listStaleTasks(120)).toEqual([]);
  });

  it('uses created_at for a pending task and ignores finished tasks', () => {
    t.clock.advance(200_000);
    expect(t.store.listStaleTasks(120).map((x) => x.task_id)).toEqual([task.task_id]);
    t.store.cancelTask(task.task_id);
    expect(t.store.listStaleTasks(120)).toEqual([]);
  });

  it('rejects a timeout that is not a positive integer', () => {
    expectAppError(() => t.store.listStaleTasks(0), ErrorCode.InvalidRequest, /timeoutSeconds/);
  });
});
