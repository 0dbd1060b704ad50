import { callApi } from './api.js';
import type { Task } from './apiTypes.js';
import { formatDateTime, t } from './i18n.js';
import type { MessageKey } from './messages.js';
import { activeTask, state } from './state.js';

/**
 * The actions the page offers, as data: a new action (say a rollback) is one more entry, and every button, its
 * enabled state and its error handling follow from it.
 */
export interface ActionSpec {
  readonly id: string;
  /** The button's text, which is also its accessible name. */
  readonly label: MessageKey;
  /** `global` buttons act on the service; `task` buttons on the task their panel shows. */
  readonly scope: 'global' | 'task';
  /** Least role the server requires; the page disables what the token lacks. */
  readonly needs: 'write' | 'admin';
  /** Whether the button belongs on the panel at all (task actions: only on tasks they apply to). */
  readonly shown: (task: Task | null) => boolean;
  /** Whether it can succeed now, as far as the page knows (the server has the last word, e.g. a 409). */
  readonly possible: (task: Task | null) => boolean;
  readonly perform: (task: Task | null) => Promise<Task>;
  /** A question to confirm before submitting (actions that replace the installed bundle); none when absent. */
  readonly confirm?: (task: Task | null) => string;
  /** Feedback after the server accepted it. */
  readonly accepted: (task: Task) => string;
  /**
   * Disable while the request is in flight. Submits stay clickable, so a second quick click gets the server's
   * verdict (409 and its message) rather than being swallowed.
   */
  readonly blockWhilePending: boolean;
}

const noActiveTask = (): boolean => activeTask() === null;

const submit = (taskType: 'download' | 'analyze' | 'rollback', force?: true) => (): Promise<Task> =>
  callApi<Task>('POST', '/tasks', force ? { task_type: taskType, force } : { task_type: taskType });

/**
 * A download the install check refused (a drastic shrink, or a release a rollback replaced): its error names the way
 * to force it, which an admin may take.
 */
export function isRefusedDownload(task: Task | null): boolean {
  return task?.task_type === 'download' && task.status === 'failed' && (task.error ?? '').includes('"force": true');
}

export const ACTIONS: readonly ActionSpec[] = [
  {
    id: 'download',
    label: 'actDownload',
    scope: 'global',
    needs: 'write',
    shown: () => true,
    possible: noActiveTask,
    perform: submit('download'),
    accepted: (task) => t('submitted', { id: shortId(task.task_id) }),
    blockWhilePending: false,
  },
  {
    id: 'analyze',
    label: 'actAnalyze',
    scope: 'global',
    needs: 'write',
    shown: () => true,
    possible: () => noActiveTask() && state.bundleInstalled === true,
    perform: submit('analyze'),
    accepted: (task) => t('submitted', { id: shortId(task.task_id) }),
    blockWhilePending: false,
  },
  {
    id: 'rollback',
    label: 'actRollback',
    scope: 'global',
    needs: 'admin',
    shown: () => true,
    possible: () => noActiveTask() && state.previousBundle !== null,
    confirm: () => t('confirmRollback', { when: formatDateTime(state.previousBundle?.installed_at ?? null) }),
    perform: submit('rollback'),
    accepted: (task) => t('submitted', { id: shortId(task.task_id) }),
    blockWhilePending: false,
  },
  {
    id: 'retry',
    label: 'actRetry',
    scope: 'task',
    needs: 'write',
    shown: (task) => task?.status === 'failed',
    possible: noActiveTask,
    perform: (task) => callApi<Task>('POST', `/tasks/${task!.task_id}/retry`),
    accepted: (task) => t('submitted', { id: shortId(task.task_id) }),
    blockWhilePending: false,
  },
  {
    id: 'force',
    label: 'actForce',
    scope: 'task',
    needs: 'admin',
    shown: isRefusedDownload,
    possible: noActiveTask,
    confirm: (task) => t('confirmForce', { reason: task?.error ?? '' }),
    perform: submit('download', true),
    accepted: (task) => t('submitted', { id: shortId(task.task_id) }),
    blockWhilePending: false,
  },
  {
    id: 'cancel',
    label: 'actCancel',
    scope: 'task',
    needs: 'write',
    shown: (task) => task?.status === 'pending' || task?.status === 'running',
    possible: () => true,
    perform: (task) => callApi<Task>('POST', `/tasks/${task!.task_id}/cancel`),
    accepted: () => t('cancelRequested'),
    blockWhilePending: true,
  },
];

/** The first 8 characters of a task id: enough to tell tasks apart on screen. */
export function shortId(taskId: string): string {
  return taskId.slice(0, 8);
}
