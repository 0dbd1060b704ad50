import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PipelineControl, PipelineInstance } from '../../src/pipeline/createPipelineControl';
import { createTaskReconciler, type TaskReconciler } from '../../src/pipeline/createTaskReconciler';
import type { Task } from '../../src/tasks/taskTypes';
import { createTestStore, type TestStore } from '../tasks/testStore';

/**
 * The durable management API as the reconciler sees it, answering from a script: each lookup takes the next answer
 * (the last one repeats) and can be held open, so concurrent reads can share it.
 */
function scriptedOrchestration(...answers: (PipelineInstance | null)[]) {
  let calls = 0;
  let gate: Promise<void> = Promise.resolve();
  let open: () => void = () => undefined;
  const control: PipelineControl = {
    async getPipeline() {
      const answer = answers[Math.min(calls, answers.length - 1)] ?? null;
      calls += 1;
      await gate;
      return answer;
    },
    startPipeline: () => Promise.reject(new Error('not used by reconciliation')),
    managementUrls: () => ({}),
  };
  return {
    control,
    lookups: () => calls,
    hold() {
      gate = new Promise((resolve) => (open = resolve));
    },
    release: () => open(),
  };
}

const running = (taskId: string): PipelineInstance => ({ runtimeStatus: 'Running', taskId });

async function failedBy(subject: TaskReconciler, control: PipelineControl): Promise<Task | null> {
  return (await subject.reconcile(control)).failed;
}

let t: TestStore;
let task: Task;
let reconciler: TaskReconciler;

beforeEach(() => {
  t = createTestStore();
  reconciler = createTaskReconciler({ tasks: t.store, clock: t.clock.now });
  task = t.store.createTask({ taskType: 'download', source: 'manual' });
});
afterEach(() => t.close());

describe('reconciliation on reads', () => {
  it('does not ask the orchestration while the running task beats, since this process started', async () => {
    const orchestration = scriptedOrchestration(null);
    t.clock.advance(1000);
    t.store.startTask(task.task_id);
    for (let second = 0; second < 30; second++) {
      t.clock.advance(1000);
      t.store.heartbeat(task.task_id);
      expect(await failedBy(reconciler, orchestration.control)).toBeNull();
    }
    expect(orchestration.lookups()).toBe(0);
    expect(t.store.getTask(task.task_id)?.status).toBe('running');
  });

  it('fails a running task whose heartbeat stopped over 5 s ago and whose orchestration is gone', async () => {
    const orchestration = scriptedOrchestration(null);
    t.store.startTask(task.task_id);
    t.clock.advance(4900);
    expect(await failedBy(reconciler, orchestration.control)).toBeNull();
    expect(orchestration.lookups()).toBe(0);
    t.clock.advance(200);
    const failed = await failedBy(reconciler, orchestration.control);
    expect(failed).toMatchObject({ task_id: task.task_id, status: 'failed' });
    expect(failed?.error).toMatch(/abandoned: the pipeline orchestration no longer exists/);
  });

  it('does not take a heartbeat written before it was created (by a host that then crashed) as proof', async () => {
    t.store.startTask(task.task_id);
    t.clock.advance(800);
    t.store.heartbeat(task.task_id);
    // The host restarts 200 ms later: the heartbeat is fresh, but its writer is gone.
    t.clock.advance(200);
    const restarted = createTaskReconciler({ tasks: t.store, clock: t.clock.now });
    const failed = await failedBy(restarted, scriptedOrchestration(null).control);
    expect(failed).toMatchObject({ task_id: task.task_id, status: 'failed' });
  });

  it('leaves a pending task alone without a lookup during its start grace, and fails it after', async () => {
    const orchestration = scriptedOrchestration(null);
    t.clock.advance(29_000);
    expect(await failedBy(reconciler, orchestration.control)).toBeNull();
    expect(orchestration.lookups()).toBe(0);
    t.clock.advance(2000);
    expect(await failedBy(reconciler, orchestration.control)).toMatchObject({ status: 'failed' });
  });

  it('keeps a task the orchestration still runs, and shares one lookup between concurrent reads', async () => {
    const orchestration = scriptedOrchestration(running(task.task_id));
    t.store.startTask(task.task_id);
    t.clock.advance(10_000);
    orchestration.hold();
    const reads = Array.from({ length: 50 }, () => failedBy(reconciler, orchestration.control));
    orchestration.release();
    expect(await Promise.all(reads)).toEqual(Array.from({ length: 50 }, () => null));
    expect(orchestration.lookups()).toBe(1);
    // The answer is reused for a second, then asked again.
    t.clock.advance(900);
    await failedBy(reconciler, orchestration.control);
    expect(orchestration.lookups()).toBe(1);
    t.clock.advance(200);
    await failedBy(reconciler, orchestration.control);
    expect(orchestration.lookups()).toBe(2);
    expect(t.store.getTask(task.task_id)?.status).toBe('running');
  });

  it('fails a task only on a fresh lookup: a stale "not running" answer is asked again first', async () => {
    // First answer: the instance ended; the fresh one: it runs the task after all (say it was just restarted).
    const orchestration = scriptedOrchestration(
      { runtimeStatus: 'Completed', taskId: task.task_id },
      running(task.task_id),
    );
    t.store.startTask(task.task_id);
    t.clock.advance(10_000);
    expect(await failedBy(reconciler, orchestration.control)).toBeNull();
    expect(orchestration.lookups()).toBe(2);
    expect(t.store.getTask(task.task_id)?.status).toBe('running');
  });

  it('fails a task when the orchestration ended or works on another task, with the reason', async () => {
    t.store.startTask(task.task_id);
    t.clock.advance(10_000);
    const ended = scriptedOrchestration({ runtimeStatus: 'Terminated', taskId: task.task_id });
    const failed = await failedBy(reconciler, ended.control);
    expect(failed?.error).toMatch(/ended \(Terminated\) without finishing the task/);
  });

  it('reports the active task it read, so a read of that task needs no second query', async () => {
    t.store.startTask(task.task_id);
    const outcome = await reconciler.reconcile(scriptedOrchestration(null).control);
    expect(outcome).toEqual({ active: t.store.getTaskRecord(task.task_id), failed: null });
  });

  it('reports the task as it is after its lookup, when another reconciler failed it meanwhile', async () => {
    const orchestration = scriptedOrchestration(null);
    t.store.startTask(task.task_id);
    t.clock.advance(10_000);
    orchestration.hold();
    const read = reconciler.reconcile(orchestration.control);
    // The timer's reconciliation fails the task while this read waits for its lookup.
    t.store.reconcileTask(task.task_id, 'Task abandoned: the pipeline orchestration no longer exists.');
    orchestration.release();
    expect(await read).toEqual({ active: null, failed: null });
    expect(t.store.getTask(task.task_id)?.status).toBe('failed');
  });

  it('does nothing, and asks nothing, when no task is active', async () => {
    const orchestration = scriptedOrchestration(null);
    t.store.cancelTask(task.task_id);
    expect(await failedBy(reconciler, orchestration.control)).toBeNull();
    expect(orchestration.lookups()).toBe(0);
  });

  it('lets a failed lookup reach the caller, and every waiting read with it', async () => {
    const broken: PipelineControl = {
      getPipeline: () => Promise.reject(new Error('durable API unreachable')),
      startPipeline: () => Promise.reject(new Error('unused')),
      managementUrls: () => ({}),
    };
    t.store.startTask(task.task_id);
    t.clock.advance(10_000);
    const reads = [reconciler.reconcile(broken), reconciler.reconcile(broken)];
    for (const read of reads) await expect(read).rejects.toThrow(/unreachable/);
    expect(t.store.getTask(task.task_id)?.status).toBe('running');
  });
});
