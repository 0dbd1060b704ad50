import type { Task, TaskRecord } from '../tasks/taskTypes';
import type { TaskStore } from '../tasks/taskStore';
import { isLivePipelineStatus, type PipelineControl, type PipelineInstance } from './createPipelineControl';
import { DEFAULT_START_GRACE_SECONDS, reconcileActiveTask } from './reconcileActiveTask';

export interface TaskReconcilerOptions {
  readonly tasks: TaskStore;
  /** Default the system clock; it must be the clock the task store writes heartbeats with. */
  readonly clock?: () => Date;
  /** A pending task younger than this is still starting; default 30 s. */
  readonly startGraceSeconds?: number;
  /**
   * A running task whose heartbeat is younger than this, and was written since this reconciler was created (so by an
   * executor that outlived any earlier crash), is alive; default 5 s (a running stage beats every second).
   */
  readonly liveHeartbeatSeconds?: number;
  /** How long an answer "the orchestration runs this task" is reused; default 1 s. */
  readonly lookupCacheMs?: number;
}

export interface ReconcileOutcome {
  /**
   * The active task once reconciliation is done (a read of that very task need not query again): as read at the start
   * when it was proven alive, read again after a lookup, since another reconciler (the timer, a submit) may have failed
   * it meanwhile.
   */
  readonly active: TaskRecord | null;
  /** The task reconciliation failed, as it is now, or null. */
  readonly failed: Task | null;
}

export interface TaskReconciler {
  /**
   * Reconciliation for reads: asks the orchestration only when the task table does not already prove the active task
   * alive, and shares that lookup between concurrent callers. Failing a task always rests on a fresh lookup
   * (`reconcileActiveTask`).
   */
  reconcile(control: PipelineControl): Promise<ReconcileOutcome>;
}

interface CachedLookup {
  readonly taskId: string;
  readonly at: number;
  readonly instance: PipelineInstance | null;
}

/** The process's read-side reconciler: create it once, with the task store, before any stage runs. */
export function createTaskReconciler(options: TaskReconcilerOptions): TaskReconciler {
  const clock = options.clock ?? (() => new Date());
  const graceMs = (options.startGraceSeconds ?? DEFAULT_START_GRACE_SECONDS) * 1000;
  const liveMs = (options.liveHeartbeatSeconds ?? 5) * 1000;
  const cacheMs = options.lookupCacheMs ?? 1000;
  // Heartbeats from before this instant may come from a process that has since died (a crash and restart).
  const createdAt = clock().getTime();
  let cached: CachedLookup | undefined;
  let inFlight: Promise<CachedLookup> | undefined;

  function isProvenAlive(active: TaskRecord, now: number): boolean {
    if (active.status === 'pending') return now - Date.parse(active.created_at) < graceMs;
    if (active.heartbeat_at === null) return false;
    const beat = Date.parse(active.heartbeat_at);
    return beat >= createdAt && now - beat < liveMs;
  }

  function lookup(taskId: string, control: PipelineControl): Promise<CachedLookup> {
    const now = clock().getTime();
    if (cached !== undefined && cached.taskId === taskId && now - cached.at < cacheMs) return Promise.resolve(cached);
    inFlight ??= control
      .getPipeline()
      .then((instance) => {
        cached = { taskId, at: clock().getTime(), instance };
        return cached;
      })
      .finally(() => {
        inFlight = undefined;
      });
    return inFlight;
  }

  return {
    async reconcile(control) {
      const active = options.tasks.getActiveTask();
      if (active === null || isProvenAlive(active, clock().getTime())) return { active, failed: null };
      const seen = await lookup(active.task_id, control);
      const instance = seen.instance;
      if (instance !== null && isLivePipelineStatus(instance.runtimeStatus) && instance.taskId === active.task_id) {
        return { active: options.tasks.getActiveTask(), failed: null };
      }
      cached = undefined;
      const failed = await reconcileActiveTask({
        tasks: options.tasks,
        control,
        clock,
        startGraceSeconds: graceMs / 1000,
      });
      return { active: options.tasks.getActiveTask(), failed };
    },
  };
}
