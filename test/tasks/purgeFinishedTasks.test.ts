import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/errors';
import type { Task } from '../../src/tasks/taskTypes';
import { createTestStore, expectAppError } from './testStore';
import type { TestStore } from './testStore';

let t: TestStore;
beforeEach(() => {
  t = createTestStore();
});
afterEach(() => t.close());

const DAY = 24 * 60 * 60 * 1000;
const policy = { successDays: 30, failedDays: 90 };

/** A task finished at the clock's current time, with two log lines. */
function finishAt(iso: string, outcome: 'success' | 'failed' | 'cancelled'): Task {
  t.clock.set(iso);
  const task = t.store.createTask({ taskType: 'download', source: 'schedule' });
  t.store.log(task.task_id, 'INFO', 'one');
  t.store.startTask(task.task_id);
  t.store.log(task.task_id, 'INFO', 'two');
  if (outcome === 'success') return t.store.succeedTask(task.task_id);
  if (outcome === 'failed') return t.store.failTask(task.task_id, 'x');
  return t.store.cancelTask(task.task_id);
}

function logCount(): number {
  return t.db.prepare('SELECT count(*) FROM market_data_task_logs').pluck().get() as number;
}

describe('retention purge (backdated tasks, injected time)', () => {
  it('removes successful tasks after the success age and failed ones only after the longer failed age', () => {
    const oldSuccess = finishAt('2025-01-01T00:00:00.000Z', 'success');
    const oldCancelled = finishAt('2025-01-01T01:00:00.000Z', 'cancelled');
    const oldFailed = finishAt('2025-01-01T02:00:00.000Z', 'failed');
    const recentSuccess = finishAt('2025-02-20T00:00:00.000Z', 'success');

    t.clock.set(new Date(Date.parse('2025-01-01T02:00:00.000Z') + 31 * DAY).toISOString());
    expect(t.store.purgeFinishedTasks(policy)).toEqual({ tasks: 2, logs: 4 });
    expect(t.store.getTask(oldSuccess.task_id)).toBeNull();
    expect(t.store.getTask(oldCancelled.task_id)).toBeNull();
    expect(t.store.getTask(oldFailed.task_id)).not.toBeNull();
    expect(t.store.getTask(recentSuccess.task_id)).not.toBeNull();

    t.clock.set(new Date(Date.parse('2025-01-01T02:00:00.000Z') + 91 * DAY).toISOString());
    expect(t.store.purgeFinishedTasks(policy)).toEqual({ tasks: 2, logs: 4 });
    expect(t.store.getTask(oldFailed.task_id)).toBeNull();
    expect(logCount()).toBe(0);
  });

  it('keeps a task finished exactly at the cut-off and removes it one millisecond later', () => {
    const task = finishAt('2025-01-01T00:00:00.000Z', 'success');
    t.clock.set(new Date(Date.parse('2025-01-01T00:00:00.000Z') + 30 * DAY).toISOString());
    expect(t.store.purgeFinishedTasks(policy).tasks).toBe(0);
    t.clock.advance(1);
    expect(t.store.purgeFinishedTasks(policy).tasks).toBe(1);
    expect(t.store.getTask(task.task_id)).toBeNull();
  });

  it('never removes an active task, however old', () => {
    t.clock.set('2024-01-01T00:00:00.000Z');
    const active = t.store.createTask({ taskType: 'analyze', source: 'manual' });
    t.store.startTask(active.task_id);
    t.clock.set('2026-01-01T00:00:00.000Z');
    expect(t.store.purgeFinishedTasks(policy)).toEqual({ tasks: 0, logs: 0 });
    expect(t.store.getTask(active.task_id)?.status).toBe('running');
  });

  it('unlinks a retry from a purged original instead of failing', () => {
    const original = finishAt('2025-01-01T00:00:00.000Z', 'failed');
    t.clock.set('2025-01-02T00:00:00.000Z');
    const retry = t.store.createTask({ taskType: 'download', source: 'retry', retryOf: original.task_id });
    t.store.failTask(retry.task_id, 'again');
    t.clock.set(new Date(Date.parse('2025-01-01T00:00:00.000Z') + 90 * DAY + 1).toISOString());
    expect(t.store.purgeFinishedTasks(policy).tasks).toBe(1);
    expect(t.store.getTask(retry.task_id)?.retry_of).toBeNull();
  });

  it('rejects a policy that keeps failed tasks shorter than successful ones, or non-integer days', () => {
    expectAppError(
      () => t.store.purgeFinishedTasks({ successDays: 30, failedDays: 7 }),
      ErrorCode.InvalidRequest,
      /failedDays \(7\) must be at least successDays \(30\)/,
    );
    expectAppError(
      () => t.store.purgeFinishedTasks({ successDays: 0.5, failedDays: 7 }),
      ErrorCode.InvalidRequest,
      /successDays/,
    );
  });
});
