import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runStageActivity, type StageRunnerOptions } from '../../src/pipeline/runStageActivity';
import { stagePlan } from '../../src/pipeline/stagePlan';
import type { StageContext } from '../../src/stages/stageContext';
import { createTestStore, type TestStore } from '../tasks/testStore';

const [downloadSlice] = stagePlan('download');

let t: TestStore;
let running: Map<string, AbortController>;
let runner: StageRunnerOptions;

beforeEach(() => {
  t = createTestStore();
  running = new Map();
  // A heartbeat far in the future: only the first beat (at the start) ever runs in these tests.
  runner = { tasks: t.store, heartbeatMs: 3_600_000, progressEveryMs: 0, clock: () => Date.now(), running };
});
afterEach(() => t.close());

function startTask(): string {
  const task = t.store.createTask({ taskType: 'download', source: 'manual' });
  t.store.startTask(task.task_id);
  return task.task_id;
}

/** Stage work that runs until its signal aborts, then fails the way stages do on an abort. */
function untilAborted(started: () => void) {
  return (ctx: StageContext) =>
    new Promise<never>((_resolve, reject) => {
      started();
      ctx.signal.addEventListener('abort', () => reject(new Error('aborted mid-chunk')));
    });
}

describe('runStageActivity and the running stages of this process', () => {
  it('lists a running stage by task, so a cancel served here stops it without waiting for a heartbeat', async () => {
    const taskId = startTask();
    let started!: () => void;
    const isRunning = new Promise<void>((resolve) => (started = resolve));
    const outcome = runStageActivity(runner, taskId, downloadSlice!, untilAborted(started));
    await isRunning;
    expect(running.has(taskId)).toBe(true);
    t.store.requestCancel(taskId);
    running.get(taskId)!.abort();
    expect(await outcome).toEqual({ ok: false, code: 'CANCELLED', message: 'Cancelled by request.' });
    expect(running.size).toBe(0);
  });

  it('removes a stage from the list when it ends, whether it succeeded or threw', async () => {
    const taskId = startTask();
    expect(
      await runStageActivity(runner, taskId, downloadSlice!, () =>
        Promise.resolve({ stage: 'diff' as const, summary: 'done' }),
      ),
    ).toEqual({
      ok: true,
      value: { stage: 'diff', summary: 'done' },
    });
    await expect(
      runStageActivity(runner, taskId, downloadSlice!, () => Promise.reject(new Error('a passing fault'))),
    ).rejects.toThrow(/a passing fault/);
    expect(running.size).toBe(0);
  });
});
