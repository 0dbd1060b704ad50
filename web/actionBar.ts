import { ApiError } from './api.js';
import { ACTIONS, type ActionSpec } from './actions.js';
import type { Task } from './apiTypes.js';
import { h, setAttr, setText } from './dom.js';
import { t } from './i18n.js';
import { isActive } from './apiTypes.js';
import { activeTask, state } from './state.js';

export interface ActionBar {
  /** The buttons, then the feedback lines (an alert for errors, a status for confirmations). */
  readonly element: HTMLElement;
  /** Shows, hides, enables and disables the buttons for the task the panel shows; relabels them. */
  update(task: Task | null): void;
}

export interface ActionBarOptions {
  readonly scope: ActionSpec['scope'] | 'all';
  /** A task the server returned (the accepted one, or the active one a 409 named). */
  readonly onTask: (task: Task) => void;
  readonly onUnauthorized: () => void;
}

/** Buttons for the actions of a scope, built once so keyboard focus survives live updates. */
export function createActionBar(options: ActionBarOptions): ActionBar {
  const specs = ACTIONS.filter((spec) => options.scope === 'all' || spec.scope === options.scope);
  const pending = new Set<string>();
  const error = h('p', { class: 'feedback feedback-error', attrs: { role: 'alert' } });
  const info = h('p', { class: 'feedback feedback-info', attrs: { role: 'status' } });
  let task: Task | null = null;
  // While the error shown is the 409 "a task is running": the task it was about. The message is taken down when that
  // task ends; when the page cannot tell which task it was, it stays until the next action.
  let refusedFor: string | null = null;

  const buttons = specs.map((spec) => {
    const button = h('button', {
      class: `action action-${spec.id}`,
      attrs: { type: 'button', 'data-action': spec.id },
      on: { click: () => void run(spec) },
    });
    return { spec, button };
  });

  function allowed(spec: ActionSpec): boolean {
    const token = state.token;
    if (token.kind !== 'valid' || state.tokenRejected) return false;
    return spec.needs === 'admin' ? token.canAdmin : token.canWrite;
  }

  function update(next: Task | null): void {
    task = next;
    const blocker = refusedFor === null ? undefined : state.tasks.get(refusedFor);
    if (blocker !== undefined && !isActive(blocker)) {
      refusedFor = null;
      setText(error, '');
    }
    for (const { spec, button } of buttons) {
      setText(button, t(spec.label));
      button.hidden = !spec.shown(task);
      const blocked = spec.blockWhilePending && pending.has(spec.id);
      button.disabled = !allowed(spec) || !spec.possible(task) || blocked;
      setAttr(button, 'aria-busy', pending.has(spec.id) ? 'true' : null);
    }
  }

  async function run(spec: ActionSpec): Promise<void> {
    const target = task;
    if (spec.confirm && !window.confirm(spec.confirm(target))) return;
    pending.add(spec.id);
    update(task);
    try {
      const result = await spec.perform(target);
      setText(error, '');
      refusedFor = null;
      setText(info, spec.accepted(result));
      options.onTask(result);
    } catch (failure) {
      setText(info, '');
      setText(error, describeFailure(failure));
      const active = failure instanceof ApiError ? (failure.body as { active_task?: Task } | null)?.active_task : null;
      refusedFor = isTaskRunning(failure) ? (active?.task_id ?? activeTask()?.task_id ?? null) : null;
      if (active) options.onTask(active);
      if (failure instanceof ApiError && failure.status === 401) options.onUnauthorized();
    } finally {
      pending.delete(spec.id);
      update(task);
    }
  }

  const element = h(
    'div',
    { class: 'action-bar' },
    h('div', { class: 'actions' }, ...buttons.map((b) => b.button)),
    error,
    info,
  );
  return { element, update };
}

/** What to tell a person about a refused action: the story's message for the mutex, never a raw error. */
function describeFailure(failure: unknown): string {
  if (!(failure instanceof ApiError)) return t('actionFailed', { message: String(failure) });
  if (isTaskRunning(failure)) return t('taskRunningMessage');
  if (failure.status === 403) return t('forbidden');
  if (failure.status === 401) return t('authRejected');
  if (failure.status === 0) return t('networkError');
  return t('actionFailed', { message: failure.message });
}

function isTaskRunning(failure: unknown): boolean {
  return failure instanceof ApiError && failure.status === 409 && failure.code === 'TASK_RUNNING';
}
