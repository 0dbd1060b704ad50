import { ClientMessage } from '../../clientMessages';
import { AppError, ErrorCode } from '../../errors';
import type { ReconcileOutcome } from '../../pipeline/createTaskReconciler';
import { toTask } from '../../tasks/taskRow';
import { TaskLogLevel, TaskSource, TaskStatus, TaskType, type Task } from '../../tasks/taskTypes';
import { isTaskId } from '../../tasks/taskValidation';
import { parseEnumParam, parseIntegerParam, parseStringParam } from '../parseParams';
import { describeError } from '../toErrorResponse';
import type { ApiContext, ApiHandler } from './apiContext';
import { findTaskById } from './findTaskById';

/**
 * Reading is also when a dead executor is noticed, so the mutex is never held by a task nobody runs. A read still
 * answers when the orchestration state cannot be fetched; the timer reconciles again within a minute.
 */
async function reconcile(api: ApiContext): Promise<ReconcileOutcome> {
  try {
    return await api.services.reconciler.reconcile(api.control);
  } catch (error) {
    api.warn(`reconciliation skipped: ${describeError(error, { stack: false })}`);
    return { active: null, failed: null };
  }
}

function findTask(api: ApiContext, taskId: string | undefined): Task {
  const task = findTaskById(api.services.tasks, taskId);
  if (task === null) throw new AppError(ErrorCode.TaskNotFound, ClientMessage.taskNotFound);
  return task;
}

/** GET /api/market-data/tasks?status=&task_type=&source=&limit=&before= */
export const listTasksHandler: ApiHandler = async (request, api) => {
  const query = request.query;
  const filters = {
    status: parseEnumParam(query.get('status'), 'status', Object.values(TaskStatus)),
    taskType: parseEnumParam(query.get('task_type'), 'task_type', Object.values(TaskType)),
    source: parseEnumParam(query.get('source'), 'source', Object.values(TaskSource)),
    limit: parseIntegerParam(query.get('limit'), 'limit', { min: 1, max: 200, default: 50 }),
    cursor: parseStringParam(query.get('before'), 'before', { maxLength: 200 }),
  };
  await reconcile(api);
  const page = api.services.tasks.listTasks(filters);
  return { status: 200, jsonBody: { tasks: page.tasks, next_before: page.nextCursor } };
};

/** GET /api/market-data/tasks/{task_id} */
export const getTaskHandler: ApiHandler = async (request, api) => {
  const taskId = request.params.task_id?.toLowerCase();
  if (!isTaskId(taskId)) throw new AppError(ErrorCode.TaskNotFound, ClientMessage.taskNotFound);
  // Reconciliation reads the active task anyway: when that is the task asked for, it is the answer.
  const { active, failed } = await reconcile(api);
  if (failed?.task_id === taskId) return { status: 200, jsonBody: failed };
  if (active?.task_id === taskId) return { status: 200, jsonBody: toTask(active) };
  return { status: 200, jsonBody: findTask(api, taskId) };
};

/** GET /api/market-data/tasks/{task_id}/logs?after=&limit=&level= */
export const listTaskLogsHandler: ApiHandler = (request, api) => {
  const task = findTask(api, request.params.task_id);
  const query = request.query;
  const afterId = parseIntegerParam(query.get('after'), 'after', { min: 0, default: 0 });
  const limit = parseIntegerParam(query.get('limit'), 'limit', { min: 1, max: 1000, default: 200 });
  const minLevel = parseEnumParam(query.get('level')?.toUpperCase(), 'level', Object.values(TaskLogLevel));
  const logs = api.services.tasks.listLogs(task.task_id, { afterId, limit, minLevel });
  const nextAfter = logs.length > 0 ? logs[logs.length - 1]!.id : afterId;
  return Promise.resolve({ status: 200, jsonBody: { logs, next_after: nextAfter } });
};

/** POST /api/market-data/tasks/{task_id}/cancel: flags the task and stops its running stage at the next chunk. */
export const cancelTaskHandler: ApiHandler = async (request, api) => {
  const task = findTask(api, request.params.task_id);
  await reconcile(api);
  const current = findTask(api, task.task_id);
  if (current.status !== 'pending' && current.status !== 'running') {
    throw new AppError(
      ErrorCode.TaskNotActive,
      `Task is already ${current.status}; only an active task can be cancelled.`,
      {
        details: { status: current.status },
      },
    );
  }
  api.services.tasks.requestCancel(current.task_id);
  api.services.tasks.log(current.task_id, 'WARNING', 'Cancellation requested.');
  // A stage running in this process stops now; one elsewhere (or not yet started) sees the request on its heartbeat.
  api.services.activities.cancelRunningStage(current.task_id);
  return { status: 202, jsonBody: findTask(api, current.task_id) };
};
