import { isTaskId } from '../../tasks/taskValidation';
import type { TaskStore } from '../../tasks/taskStore';
import type { Task } from '../../tasks/taskTypes';

/**
 * The task a route parameter names (any letter case), or null when no task can have that id: the store rejects other
 * shapes as bad requests, but to a client such an id is simply unknown.
 */
export function findTaskById(tasks: TaskStore, taskId: string | undefined): Task | null {
  const id = taskId?.toLowerCase();
  return isTaskId(id) ? tasks.getTask(id) : null;
}
