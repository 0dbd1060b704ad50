import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/errors';
import type { Task, TaskStatus } from '../../src/tasks/taskTypes';
import { UNKNOWN_TASK_ID, createTestStore, expectAppError } from './testStore';
import type { TestStore } from './testStore';

let t: TestStore;
beforeEach(() => {
  t = createTestStore();
});
afterEach(() => t.close());

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function createDownload(): Task {
  return t.store.createTask({ taskType: 'download', source: 'manual' });
}

describe('AC-02 submitting a task', () => {
  it('returns a pending task with a UUID v4 id, the given type and source, and the injected creation time', () => {
    const task = t.store.createTask({ taskType: 'analyze', source: 'schedule' });
    expect(task).toEqual({
      task_id: expect.stringMatching(UUID_V4),
      task_type: 'analyze',
      status: 'pending',
      source: 'schedule',
      progress: 0,
      stage: null,
      message: null,
      error: null,
      created_at: '2025-03-03T10:00:00.000Z',
      started_at: null,
      finished_at: null,
      retry_of: null,
    });
  });

  it('stores the task so it can be read back', () => {
    const task = createDownload();
    expect(t.store.getTask(task.task_id)).toEqual(task);
  });

  it.each([
    [{ taskType: 'upload', source: 'manual' }, /task_type must be one of download, analyze, rollback; got "upload"/],
    [{ taskType: 'download', source: 'cron' }, /source must be one of manual, schedule, retry; got "cron"/],
    [{ taskType: 'download', source: 'retry' }, /source "retry" needs retry_of/],
    [{ taskType: 'download', source: 'manual', retryOf: 'abc' }, /retry_of must be a task id/],
  ])('rejects invalid input %j with a clear message', (input, message) => {
    expectAppError(() => t.store.createTask(input as never), ErrorCode.InvalidRequest, message);
  });
});

describe('AC-03 mutex: at most one pending or running task', () => {
  it('refuses a second task while one is pending, with the story’s message and the active task', () => {
    const first = createDownload();
    const error = expectAppError(
      () => t.store.createTask({ taskType: 'analyze', source: 'manual' }),
      ErrorCode.TaskRunning,
      /^已有任务正在运行，请等待完成后再试$/,
    );
    expect(error.details).toEqual({ active_task: first });
  });

  it('refuses a second task while one is running', () => {
    const first = createDownload();
    t.store.startTask(first.task_id);
    const error = expectAppError(() => createDownload(), ErrorCode.TaskRunning);
    expect((error.details?.active_task as Task).status).toBe('running');
  });

  it.each(['success', 'failed', 'cancelled'] as const)('accepts a new task once the active one ends as %s', (end) => {
    const first = createDownload();
    t.store.startTask(first.task_id);
    if (end === 'success') t.store.succeedTask(first.task_id);
    if (end === 'failed') t.store.failTask(first.task_id, 'boom');
    if (end === 'cancelled') t.store.cancelTask(first.task_id);
    expect(createDownload().status).toBe('pending');
  });

  it('reports the active task through getActiveTask', () => {
    expect(t.store.getActiveTask()).toBeNull();
    const task = createDownload();
    expect(t.store.getActiveTask()?.task_id).toBe(task.task_id);
  });
});

describe('AC-04 execution flow and transition rules', () => {
  it('pending → running sets started_at and keeps finished_at empty', () => {
    const task = createDownload();
    t.clock.advance(1500);
    const running = t.store.startTask(task.task_id);
    expect(running).toMatchObject({ status: 'running', started_at: '2025-03-03T10:00:01.500Z', finished_at: null });
  });

  it('running → success sets finished_at and progress 100', () => {
    const task = createDownload();
    t.store.startTask(task.task_id);
    t.store.updateProgress(task.task_id, 40, 'download', 'partway');
    t.clock.advance(60_000);
    const done = t.store.succeedTask(task.task_id, 'all done');
    expect(done).toMatchObject({
      status: 'success',
      progress: 100,
      message: 'all done',
      finished_at: '2025-03-03T10:01:00.000Z',
      error: null,
    });
  });

  it('running → failed records the error and keeps progress where it was', () => {
    const task = createDownload();
    t.store.startTask(task.task_id);
    t.store.updateProgress(task.task_id, 40, 'unzip', 'unpacking');
    const failed = t.store.failTask(task.task_id, 'disk full');
    expect(failed).toMatchObject({ status: 'failed', error: 'disk full', progress: 40, stage: 'unzip' });
    expect(failed.finished_at).toBe('2025-03-03T10:00:00.000Z');
  });

  it('running → cancelled sets finished_at and keeps progress', () => {
    const task = createDownload();
    t.store.startTask(task.task_id);
    t.store.updateProgress(task.task_id, 10, 'download', null);
    expect(t.store.cancelTask(task.task_id, 'stopped by user')).toMatchObject({
      status: 'cancelled',
      progress: 10,
      message: 'stopped by user',
      finished_at: '2025-03-03T10:00:00.000Z',
    });
  });

  it('pending → failed and pending → cancelled finish without ever starting', () => {
    const a = createDownload();
    expect(t.store.failTask(a.task_id, 'orchestration did not start')).toMatchObject({
      status: 'failed',
      started_at: null,
    });
    const b = createDownload();
    expect(t.store.cancelTask(b.task_id)).toMatchObject({ status: 'cancelled', started_at: null });
  });

  type Move = 'start' | 'succeed' | 'fail' | 'cancel';
  const move: Record<Move, (id: string) => Task> = {
    start: (id) => t.store.startTask(id),
    succeed: (id) => t.store.succeedTask(id),
    fail: (id) => t.store.failTask(id, 'x'),
    cancel: (id) => t.store.cancelTask(id),
  };
  const target: Record<Move, TaskStatus> = {
    start: 'running',
    succeed: 'success',
    fail: 'failed',
    cancel: 'cancelled',
  };
  function taskIn(status: TaskStatus): Task {
    const task = createDownload();
    if (status === 'pending') return task;
    if (status === 'failed') return t.store.failTask(task.task_id, 'x');
    if (status === 'cancelled') return t.store.cancelTask(task.task_id);
    t.store.startTask(task.task_id);
    return status === 'success' ? t.store.succeedTask(task.task_id) : t.store.getTask(task.task_id)!;
  }
  const illegal: [TaskStatus, Move][] = [
    ['pending', 'succeed'],
    ['running', 'start'],
    ...(['success', 'failed', 'cancelled'] as const).flatMap((s) =>
      (['start', 'succeed', 'fail', 'cancel'] as const).map((m): [TaskStatus, Move] => [s, m]),
    ),
  ];
  it.each(illegal)('refuses %s → via %s as ILLEGAL_TRANSITION and leaves the task unchanged', (from, m) => {
    const task = taskIn(from);
    const before = t.store.getTaskRecord(task.task_id);
    const error = expectAppError(
      () => move[m](task.task_id),
      ErrorCode.IllegalTransition,
      new RegExp(`is ${from}; it cannot become ${target[m]}`),
    );
    expect(error.details).toEqual({ task_id: task.task_id, from, to: target[m] });
    expect(t.store.getTaskRecord(task.task_id)).toEqual(before);
  });

  it.each(['start', 'succeed', 'fail', 'cancel'] as const)('%s on an unknown task is TASK_NOT_FOUND', (m) => {
    expectAppError(() => move[m](UNKNOWN_TASK_ID), ErrorCode.TaskNotFound, /does not exist/);
  });

  it('failTask requires an error text', () => {
    const task = createDownload();
    expectAppError(
      () => t.store.failTask(task.task_id, undefined as never),
      ErrorCode.InvalidRequest,
      /error must be a string/,
    );
  });
});

describe('AC-07 task status query', () => {
  it('returns null for an unknown task and INVALID_REQUEST for a malformed id', () => {
    expect(t.store.getTask(UNKNOWN_TASK_ID)).toBeNull();
    expectAppError(() => t.store.getTask('not-a-uuid'), ErrorCode.InvalidRequest, /task_id must be a task id/);
  });

  it('returns exactly the API fields with the right types; bookkeeping only through getTaskRecord', () => {
    const task = createDownload();
    t.store.startTask(task.task_id);
    const read = t.store.getTask(task.task_id)!;
    expect(Object.keys(read).sort()).toEqual(
      [
        'task_id',
        'task_type',
        'status',
        'source',
        'progress',
        'stage',
        'message',
        'error',
        'created_at',
        'started_at',
        'finished_at',
        'retry_of',
      ].sort(),
    );
    expect(typeof read.progress).toBe('number');
    expect(read.started_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(t.store.getTaskRecord(task.task_id)).toMatchObject({
      heartbeat_at: '2025-03-03T10:00:00.000Z',
      cancel_requested_at: null,
    });
  });
});

describe('AC-09 (story) retry creates a linked task', () => {
  it('a retry of a failed task keeps its type, has source retry and points at it', () => {
    const failed = t.store.failTask(t.store.createTask({ taskType: 'analyze', source: 'manual' }).task_id, 'bad');
    const retry = t.store.createTask({ taskType: 'analyze', source: 'retry', retryOf: failed.task_id });
    expect(retry).toMatchObject({ status: 'pending', source: 'retry', retry_of: failed.task_id, task_type: 'analyze' });
  });

  it('refuses to retry a task that did not fail, or with another type, or that does not exist', () => {
    const task = createDownload();
    expectAppError(
      () => t.store.createTask({ taskType: 'download', source: 'retry', retryOf: task.task_id }),
      ErrorCode.NotRetryable,
      /Only a failed task can be retried; task .* is pending/,
    );
    t.store.failTask(task.task_id, 'x');
    expectAppError(
      () => t.store.createTask({ taskType: 'analyze', source: 'retry', retryOf: task.task_id }),
      ErrorCode.InvalidRequest,
      /keeps the task type/,
    );
    expectAppError(
      () => t.store.createTask({ taskType: 'download', source: 'manual', retryOf: task.task_id }),
      ErrorCode.InvalidRequest,
      /only allowed with source "retry"/,
    );
    expectAppError(
      () => t.store.createTask({ taskType: 'download', source: 'retry', retryOf: UNKNOWN_TASK_ID }),
      ErrorCode.TaskNotFound,
    );
  });

  it('a retry is still subject to the mutex', () => {
    const failed = t.store.failTask(createDownload().task_id, 'x');
    createDownload();
    expectAppError(
      () => t.store.createTask({ taskType: 'download', source: 'retry', retryOf: failed.task_id }),
      ErrorCode.TaskRunning,
    );
  });
});
