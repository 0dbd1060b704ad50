import { callApi, query } from './api.js';
import type { SymbolRow } from './apiTypes.js';
import { createDataTable, createPager, type Column, type SortOrder } from './dataTable.js';
import { h, setText } from './dom.js';
import { pick, t } from './i18n.js';
import { metricCell } from './labels.js';
import { metricLabels } from './messages.js';

export interface SymbolsTable {
  load(): Promise<void>;
  relabel(): void;
}

const PAGE_SIZE = 20;
const METRICS = [
  'rows_written',
  'missing_days',
  'parse_error_rows',
  'ohlc_violations',
  'repeated_rows',
  'stale_runs',
  'limit_breaches',
];
const STATUS_LABEL = { ok: 'symbolOk', warn: 'symbolWarn', error: 'symbolError' } as const;

/** The per-symbol metrics: search, sort by any column (server-side), page through. */
export function createSymbolsTable(root: HTMLElement, onShowFindings: (symbol: string) => void): SymbolsTable {
  let sort: SortOrder = { key: 'symbol', descending: false };
  let search = '';
  let offset = 0;
  let total = 0;
  let rows: SymbolRow[] = [];
  let timer: number | undefined;
  const label = h('label', { attrs: { for: 'symbol-search' } });
  const input = h('input', {
    id: 'symbol-search',
    attrs: { type: 'search', autocomplete: 'off', spellcheck: 'false' },
    on: {
      input: () => {
        window.clearTimeout(timer);
        timer = window.setTimeout(() => {
          search = input.value.trim();
          offset = 0;
          void load();
        }, 250);
      },
    },
  });
  const status = h('p', { class: 'load-status', attrs: { role: 'status' } });

  const columns: Column<SymbolRow>[] = [
    {
      key: 'symbol',
      label: () => t('symbol'),
      sortable: true,
      cell: (row) => h('span', {}, row.symbol, row.is_delisted ? h('span', { class: 'tag' }, t('delisted')) : null),
    },
    {
      key: 'status',
      label: () => t('status'),
      sortable: true,
      cell: (row) => h('span', { class: `badge symbol-${row.status}` }, t(STATUS_LABEL[row.status])),
    },
    { key: 'board', label: () => t('board'), sortable: true, cell: (row) => row.board },
    { key: 'first_date', label: () => t('firstDate'), sortable: true, cell: (row) => row.first_date ?? '—' },
    { key: 'last_date', label: () => t('lastDate'), sortable: true, cell: (row) => row.last_date ?? '—' },
    ...METRICS.map((name): Column<SymbolRow> => ({
      key: name,
      label: () => pick(metricLabels[name], name),
      sortable: true,
      numeric: true,
      cell: (row) => metricCell(row[name]),
    })),
    {
      key: 'findings',
      label: () => t('showFindings'),
      cell: (row) =>
        h(
          'button',
          {
            attrs: {
              type: 'button',
              'data-focus-key': `findings-${row.symbol}`,
              'aria-label': t('showFindingsOf', { symbol: row.symbol }),
            },
            on: { click: () => onShowFindings(row.symbol) },
          },
          t('showFindings'),
        ),
    },
  ];
  const table = createDataTable<SymbolRow>({
    columns,
    caption: () => t('symbolsTitle'),
    rowKey: (row) => row.symbol,
    onSort: (key) => {
      // A first click sorts counts from the largest (where problems are); names and dates A→Z.
      const numeric = METRICS.includes(key);
      sort = sort.key === key ? { key, descending: !sort.descending } : { key, descending: numeric };
      offset = 0;
      void load();
    },
  });
  const pager = createPager(
    () => {
      offset = Math.max(0, offset - PAGE_SIZE);
      void load();
    },
    () => {
      offset += PAGE_SIZE;
      void load();
    },
  );
  root.append(h('div', { class: 'toolbar' }, label, input), table.element, pager.element, status);

  async function load(): Promise<void> {
    try {
      const page = await callApi<{ total: number; symbols: SymbolRow[] }>(
        'GET',
        `/bundle/symbols${query({ q: search, limit: PAGE_SIZE, offset, sort: `${sort.descending ? '-' : ''}${sort.key}` })}`,
      );
      rows = page.symbols;
      total = page.total;
      setText(status, '');
    } catch (error) {
      rows = [];
      setText(status, t('loadFailed', { message: error instanceof Error ? error.message : String(error) }));
    }
    relabel();
  }

  function relabel(): void {
    setText(label, t('searchSymbols'));
    table.update(rows, sort);
    pager.update(Math.floor(offset / PAGE_SIZE) + 1, offset > 0, offset + PAGE_SIZE < total, total);
  }

  return { load, relabel };
}
