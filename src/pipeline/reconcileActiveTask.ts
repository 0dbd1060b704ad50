import type { Task } from '../tasks/taskTypes';
import type { TaskStore } from '../tasks/taskStore';
import { isLivePipelineStatus, type PipelineControl } from './createPipelineControl';

/** A pending task younger than this may be between its insert and its orchestration start. */
export const DEFAULT_START_GRACE_SECONDS = 30;

export interface ReconcileDeps {
  readonly tasks: TaskStore;
  readonly control: PipelineControl;
  readonly clock?: () => Date;
  /** A pending task younger than this may be between its insert and its orchestration start; default 30 s. */
  readonly startGraceSeconds?: number;
}

/**
 * Fails the active task when no live orchestration is working on it (the host crashed, the instance was terminated
 * or purged), so a crash can never hold the one-task mutex forever. Returns the failed task, or null.
 */
export async function reconcileActiveTask(deps: ReconcileDeps): Promise<Task | null> {
  const active = deps.tasks.getActiveTask();
  if (active === null) return null;
  const instance = await deps.control.getPipeline();
  if (instance !== null && isLivePipelineStatus(instance.runtimeStatus) && instance.taskId === active.task_id) {
    return null;
  }
  const now = (deps.clock ?? (() => new Date()))().getTime();
  const graceMs = (deps.startGraceSeconds ?? DEFAULT_START_GRACE_SECONDS) * 1000;
  if (active.status === 'pending' && now - Date.parse(active.created_at) < graceMs) return null;
  const reason =
    instance === null
      ? 'the pipeline orchestration no longer exists'
      : instance.taskId === active.task_id
        ? `the pipeline orchestration ended (${instance.runtimeStatus}) without finishing the task`
        : `the pipeline orchestration is working on another task (${instance.runtimeStatus})`;
  return deps.tasks.reconcileTask(active.task_id, `Task abandoned: ${reason}.`);
}
