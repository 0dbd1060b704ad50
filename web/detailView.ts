import { shortId } from './actions.js';
import { createActionBar } from './actionBar.js';
import { callApi } from './api.js';
import type { LogLevel, Task, TaskLog } from './apiTypes.js';
import { h, keepingFocus, replaceChildren, setText } from './dom.js';
import { currentLanguage, formatDateTime, t } from './i18n.js';
import { sourceLabel, stageLabel, statusLabel, typeLabel } from './labels.js';
import { createLevelSelect, meetsLevel, renderLogLine } from './logLines.js';
import { addLogs, lastLogId, state } from './state.js';

export interface DetailView {
  /** Shows a task (loading it and every log line), or nothing. */
  open(taskId: string): Promise<void>;
  /** The task shown, so live log lines of it can be kept. */
  shownId(): string | null;
  update(): void;
}

export interface DetailViewOptions {
  readonly onTask: (task: Task) => void;
  readonly onUnauthorized: () => void;
}

const PAGE = 1000;

/** One task in full: every field, its actions (retry, cancel), and all of its log lines. */
export function createDetailView(root: HTMLElement, options: DetailViewOptions): DetailView {
  let taskId: string | null = null;
  let minimum: LogLevel = 'DEBUG';
  let listKey = '';
  const none = h('p', { class: 'empty' });
  const actions = createActionBar({ scope: 'task', onTask: options.onTask, onUnauthorized: options.onUnauthorized });
  const facts = h('dl', { class: 'facts' });
  const logsHeading = h('h3');
  const levelLabel = h('label', { attrs: { for: 'detail-level' } });
  const select = createLevelSelect('detail-level', (level) => {
    minimum = level;
    update();
  });
  const list = h('ol', { class: 'log-list log-list-full', attrs: { tabindex: 0 } });
  const body = h(
    'div',
    { class: 'detail-body' },
    facts,
    actions.element,
    logsHeading,
    h('div', { class: 'toolbar' }, levelLabel, select),
    list,
  );
  root.append(none, body);

  async function open(id: string): Promise<void> {
    taskId = id;
    try {
      options.onTask(await callApi<Task>('GET', `/tasks/${id}`));
      // Every line, a page at a time, from where this page's copy ends.
      for (;;) {
        const page = await callApi<{ logs: TaskLog[] }>(
          'GET',
          `/tasks/${id}/logs?after=${lastLogId(id)}&limit=${PAGE}`,
        );
        addLogs(id, page.logs);
        if (page.logs.length < PAGE || taskId !== id) break;
      }
    } catch (error) {
      setText(none, t('loadFailed', { message: error instanceof Error ? error.message : String(error) }));
    }
    update();
    root.scrollIntoView({ block: 'start' });
  }

  function update(): void {
    const task = taskId === null ? undefined : state.tasks.get(taskId);
    none.hidden = task !== undefined;
    body.hidden = task === undefined;
    if (task === undefined) {
      if (taskId === null) setText(none, t('detailNone'));
      return;
    }
    actions.update(task);
    const rows: [string, string | HTMLElement][] = [
      [t('taskId'), task.task_id],
      [t('status'), statusLabel(task.status)],
      [t('taskType'), typeLabel(task.task_type)],
      [t('source'), sourceLabel(task.source)],
      [t('progress'), `${task.progress}%${task.stage === null ? '' : ` · ${stageLabel(task.stage)}`}`],
      [t('message'), task.message ?? '—'],
      [t('error'), task.error ?? '—'],
      [t('created'), formatDateTime(task.created_at)],
      [t('started'), formatDateTime(task.started_at)],
      [t('finished'), formatDateTime(task.finished_at)],
    ];
    if (task.retry_of !== null) rows.push([t('retryOf'), openButton(task.retry_of)]);
    keepingFocus(facts, () =>
      replaceChildren(facts, ...rows.flatMap(([name, value]) => [h('dt', {}, name), h('dd', {}, value)])),
    );
    const lines = (state.logs.get(task.task_id) ?? []).filter((line) => meetsLevel(line, minimum));
    setText(logsHeading, t('allLogs', { n: lines.length }));
    setText(levelLabel, t('minLevel'));
    list.setAttribute('aria-label', t('allLogs', { n: lines.length }));
    const key = `${task.task_id}|${minimum}|${lines.length}|${lines.at(-1)?.id}|${currentLanguage()}`;
    if (key !== listKey) replaceChildren(list, ...lines.map(renderLogLine));
    listKey = key;
  }

  function openButton(id: string): HTMLButtonElement {
    return h(
      'button',
      { class: 'link', attrs: { type: 'button', 'data-focus-key': `open-${id}` }, on: { click: () => void open(id) } },
      `${t('open')} ${shortId(id)}`,
    );
  }

  return { open, shownId: () => taskId, update };
}
