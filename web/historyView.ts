import { shortId } from './actions.js';
import { callApi, query } from './api.js';
import { TASK_SOURCES, TASK_STATUSES, TASK_TYPES, type Task } from './apiTypes.js';
import { createDataTable, createPager } from './dataTable.js';
import { h, setText } from './dom.js';
import { currentLanguage, formatDateTime, t } from './i18n.js';
import { sourceLabel, statusLabel, typeLabel } from './labels.js';
import type { MessageKey } from './messages.js';

export interface HistoryView {
  /** Reloads the shown page (e.g. after a task changed). */
  reload(): Promise<void>;
  /** Relabels (language switch). */
  relabel(): void;
}

const PAGE_SIZE = 10;

interface Filter {
  readonly name: 'status' | 'task_type' | 'source';
  readonly label: MessageKey;
  readonly values: readonly string[];
  readonly valueLabel: (value: string) => string;
}

const FILTERS: readonly Filter[] = [
  { name: 'status', label: 'status', values: TASK_STATUSES, valueLabel: (v) => statusLabel(v as Task['status']) },
  { name: 'task_type', label: 'taskType', values: TASK_TYPES, valueLabel: (v) => typeLabel(v as Task['task_type']) },
  { name: 'source', label: 'source', values: TASK_SOURCES, valueLabel: (v) => sourceLabel(v as Task['source']) },
];

/** The task list, newest first, with filters and cursor paging; "view" opens a task in the detail panel. */
export function createHistoryView(root: HTMLElement, onView: (taskId: string) => void): HistoryView {
  const chosen: Record<string, string> = {};
  /** `before` cursor of each page visited; page n is fetched with cursors[n - 1]. */
  let cursors: (string | null)[] = [null];
  let next: string | null = null;
  let rows: Task[] = [];
  const status = h('p', { class: 'load-status', attrs: { role: 'status' } });

  const selects = FILTERS.map((filter) => {
    const select = h('select', {
      id: `history-${filter.name}`,
      on: {
        change: () => {
          chosen[filter.name] = select.value;
          cursors = [null];
          void reload();
        },
      },
    });
    const label = h('label', { attrs: { for: select.id } });
    return { filter, select, label };
  });

  const table = createDataTable<Task>({
    caption: () => t('historyTitle'),
    rowKey: (task) => task.task_id,
    columns: [
      { key: 'created', label: () => t('created'), cell: (task) => formatDateTime(task.created_at) },
      { key: 'type', label: () => t('taskType'), cell: (task) => typeLabel(task.task_type) },
      { key: 'source', label: () => t('source'), cell: (task) => sourceLabel(task.source) },
      {
        key: 'status',
        label: () => t('status'),
        cell: (task) => h('span', { class: `badge status-${task.status}` }, statusLabel(task.status)),
      },
      { key: 'progress', label: () => t('progress'), numeric: true, cell: (task) => `${task.progress}%` },
      {
        key: 'retry',
        label: () => t('retryOf'),
        cell: (task) => (task.retry_of === null ? '—' : shortId(task.retry_of)),
      },
      {
        key: 'view',
        label: () => t('view'),
        cell: (task) =>
          h(
            'button',
            {
              attrs: {
                type: 'button',
                'data-focus-key': `view-${task.task_id}`,
                'aria-label': t('viewTask', { time: formatDateTime(task.created_at) }),
              },
              on: { click: () => onView(task.task_id) },
            },
            t('view'),
          ),
      },
    ],
  });
  const pager = createPager(
    () => {
      cursors = cursors.slice(0, -1);
      void reload();
    },
    () => {
      if (next === null) return;
      cursors = [...cursors, next];
      void reload();
    },
  );
  root.append(
    h('div', { class: 'toolbar' }, ...selects.map((s) => h('span', { class: 'field' }, s.label, s.select))),
    table.element,
    pager.element,
    status,
  );

  async function reload(): Promise<void> {
    const before = cursors.at(-1) ?? null;
    try {
      const page = await callApi<{ tasks: Task[]; next_before: string | null }>(
        'GET',
        `/tasks${query({ ...chosen, limit: PAGE_SIZE, before })}`,
      );
      rows = page.tasks;
      next = page.next_before;
      setText(status, rows.length === 0 ? t('noTasks') : '');
    } catch (error) {
      setText(status, t('loadFailed', { message: error instanceof Error ? error.message : String(error) }));
    }
    relabel();
  }

  let optionsLang = '';

  function relabel(): void {
    // Options are rebuilt only for a new language: rebuilding them under an open select would disturb it.
    const relabelOptions = optionsLang !== currentLanguage();
    optionsLang = currentLanguage();
    for (const { filter, select, label } of selects) {
      setText(label, t(filter.label));
      if (!relabelOptions) continue;
      select.replaceChildren(
        h('option', { attrs: { value: '' } }, t('all')),
        ...filter.values.map((v) => h('option', { attrs: { value: v } }, filter.valueLabel(v))),
      );
      select.value = chosen[filter.name] ?? '';
    }
    table.update(rows);
    pager.update(cursors.length, cursors.length > 1, next !== null);
  }

  return { reload, relabel };
}
