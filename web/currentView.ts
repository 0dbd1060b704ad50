import { shortId } from './actions.js';
import { createActionBar } from './actionBar.js';
import { isActive, type Task, type TaskStage } from './apiTypes.js';
import { h, replaceChildren, setAttr, setText } from './dom.js';
import { estimateSecondsLeft } from './eta.js';
import { formatDuration, t } from './i18n.js';
import { sourceLabel, stageLabel, stagesOf, statusLabel, typeLabel } from './labels.js';
import { activeTask, currentTask, state } from './state.js';

export interface CurrentView {
  /** Re-reads the state; also called every second so elapsed time and the estimate tick. */
  update(nowMs: number): void;
}

export interface CurrentViewOptions {
  readonly onTask: (task: Task) => void;
  readonly onUnauthorized: () => void;
  readonly onOpenTask: (taskId: string) => void;
}

/** The active (or latest) task: progress bar, stage stepper, message, times, estimate, and the action buttons. */
export function createCurrentView(root: HTMLElement, options: CurrentViewOptions): CurrentView {
  const actions = createActionBar({ scope: 'all', onTask: options.onTask, onUnauthorized: options.onUnauthorized });
  const hint = h('p', { class: 'hint' });
  const empty = h('p', { class: 'empty' });
  const heading = h('p', { class: 'task-heading' });
  const fill = h('div', { class: 'progress-fill' });
  const percent = h('span', { class: 'progress-text' });
  const bar = h(
    'div',
    { class: 'progress', attrs: { role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': 100 } },
    fill,
  );
  const stepper = h('ol', { class: 'stepper' });
  const facts = h('dl', { class: 'facts' });
  const card = h(
    'div',
    { class: 'task-card' },
    heading,
    h('div', { class: 'progress-row' }, bar, percent),
    stepper,
    facts,
  );
  root.append(actions.element, hint, empty, card);
  let stepperKey = '';
  let renderedHeading = '';

  function update(nowMs: number): void {
    const task = currentTask();
    actions.update(task);
    setText(hint, hintFor());
    empty.hidden = task !== null;
    card.hidden = task === null;
    setText(empty, t('noTask'));
    if (task === null) return;

    // Rebuilt only when it changes: it may hold a focused button.
    const headingKey = `${task.task_id}|${task.status}|${document.documentElement.lang}`;
    if (headingKey !== renderedHeading) {
      renderedHeading = headingKey;
      replaceChildren(
        heading,
        h('span', { class: `badge status-${task.status}` }, statusLabel(task.status)),
        ` ${typeLabel(task.task_type)} · ${sourceLabel(task.source)} · ${t('taskId')} ${shortId(task.task_id)}`,
        task.retry_of === null ? null : retryLink(task.retry_of),
      );
    }
    setAttr(bar, 'aria-valuenow', task.progress);
    setAttr(bar, 'aria-label', t('progress'));
    setAttr(bar, 'aria-valuetext', `${task.progress}% ${statusLabel(task.status)}`);
    fill.style.width = `${task.progress}%`;
    fill.className = `progress-fill status-${task.status}`;
    setText(percent, `${task.progress}%`);
    renderStepper(task);
    renderFacts(task, nowMs);
  }

  function retryLink(originalId: string): HTMLElement {
    return h(
      'span',
      { class: 'retry-of' },
      ` · ${t('retryOf')} `,
      h(
        'button',
        { class: 'link', attrs: { type: 'button' }, on: { click: () => options.onOpenTask(originalId) } },
        shortId(originalId),
      ),
    );
  }

  function renderStepper(task: Task): void {
    const stages = stagesOf(task.task_type);
    const current = task.stage === null ? -1 : stages.indexOf(task.stage);
    const key = `${task.task_id}|${task.status}|${task.stage}|${document.documentElement.lang}`;
    if (key === stepperKey) return;
    stepperKey = key;
    setAttr(stepper, 'aria-label', t('stages'));
    replaceChildren(stepper, ...stages.map((stage, index) => step(stage, stepState(task, index, current))));
  }

  function step(stage: TaskStage, status: string): HTMLLIElement {
    return h(
      'li',
      { class: `step step-${status}`, attrs: { 'aria-current': status === 'current' ? 'step' : null } },
      stageLabel(stage),
    );
  }

  function renderFacts(task: Task, nowMs: number): void {
    const rows: [string, string][] = [[t('message'), task.message ?? '—']];
    const start = Date.parse(task.started_at ?? task.created_at);
    if (isActive(task)) {
      rows.push([t('elapsed'), formatDuration((nowMs - start) / 1000)]);
      const plan = state.durations?.task_types[task.task_type];
      const left = plan === undefined ? null : estimateSecondsLeft(task, plan);
      rows.push([t('eta'), left === null ? t('etaUnknown') : `≈ ${formatDuration(left)}`]);
    } else if (task.finished_at !== null) {
      rows.push([t('took'), formatDuration((Date.parse(task.finished_at) - start) / 1000)]);
    }
    if (task.error !== null) rows.push([t('error'), task.error]);
    replaceChildren(facts, ...rows.flatMap(([name, value]) => [h('dt', {}, name), h('dd', {}, value)]));
  }

  return { update };
}

/** done / current / todo, and on an ended task the stage it ended in takes its status. */
function stepState(task: Task, index: number, current: number): string {
  if (task.status === 'success') return 'done';
  if (index < current) return 'done';
  if (index > current) return 'todo';
  return isActive(task) ? 'current' : task.status;
}

function hintFor(): string {
  if (activeTask() !== null) return t('hintActive');
  if (state.bundleInstalled === false) return t('hintNoBundle');
  return '';
}
