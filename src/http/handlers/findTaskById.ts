import type { TaskStore } from '../../tasks/taskStore';
import type { Task } from '../../tasks/taskTypes';

// Task ids are UUID v4; the store rejects any other shape as a bad request, but to a client it is simply unknown.
const TASK_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/** The task a route parameter names (any case), or null when no task can have that id. */
export function findTaskById(tasks: TaskStore, taskId: string | undefined): Task | null {
  return taskId !== undefined && TASK_ID.test(taskId) ? tasks.getTask(taskId.toLowerCase()) : null;
}
