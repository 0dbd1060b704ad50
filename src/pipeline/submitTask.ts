import { isAppError, ErrorCode } from '../errors';
import type { Task, TaskSource, TaskType } from '../tasks/taskTypes';
import type { PipelineInput } from './pipelineContract';
import type { TaskStore } from '../tasks/taskStore';
import { isLivePipelineStatus, type PipelineControl } from './createPipelineControl';
import { reconcileActiveTask } from './reconcileActiveTask';

export interface SubmitDeps {
  readonly tasks: TaskStore;
  readonly control: PipelineControl;
  /** How long to wait for the previous instance to complete its last step before giving up; default 5 s. */
  readonly settleMs?: number;
}

export interface SubmitRequest {
  readonly taskType: TaskType;
  readonly source: TaskSource;
  readonly retryOf?: string | null;
  /** A download that installs even what the install checks refuse (MarketData.Admin only: the caller checks). */
  readonly force?: boolean;
  /** Who asked, for the task log (the token's subject). */
  readonly requestedBy?: string | null;
}

async function waitUntilSettled(control: PipelineControl, settleMs: number): Promise<void> {
  const deadline = Date.now() + settleMs;
  while (Date.now() < deadline) {
    const instance = await control.getPipeline();
    if (instance === null || !isLivePipelineStatus(instance.runtimeStatus)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Creates the task (the SQLite index is the authoritative mutex) and starts the singleton orchestration for it.
 * The previous instance may still be completing its last step after marking its task finished; that wait is short,
 * so it is absorbed here rather than reported as a conflict. A task whose orchestration cannot start is failed.
 */
export async function submitTask(deps: SubmitDeps, request: SubmitRequest): Promise<Task> {
  await reconcileActiveTask(deps);
  const task = deps.tasks.createTask(request);
  const by = request.requestedBy == null ? '' : ` by ${request.requestedBy}`;
  deps.tasks.log(task.task_id, 'INFO', `Task submitted (${task.task_type}, source ${task.source})${by}.`);
  if (request.force === true) {
    deps.tasks.log(
      task.task_id,
      'WARNING',
      `Forced${by}: the install will not refuse a shrinking or rolled-back bundle (a bundle with no data still fails).`,
    );
  }
  const input: PipelineInput = { taskId: task.task_id, taskType: task.task_type, withDiff: true };
  try {
    try {
      await deps.control.startPipeline(input);
    } catch (error) {
      if (!isAppError(error, ErrorCode.TaskRunning)) throw error;
      await waitUntilSettled(deps.control, deps.settleMs ?? 5_000);
      await deps.control.startPipeline(input);
    }
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    deps.tasks.failTask(task.task_id, `The pipeline could not start: ${text}`);
    throw error;
  }
  // The task as accepted (pending); the orchestration may already have moved it on.
  return task;
}
