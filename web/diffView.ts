import { callApi, query } from './api.js';
import type { DiffPage, DiffSample, DiffSymbol } from './apiTypes.js';
import { createDataTable, createPager, type Column, type SortOrder } from './dataTable.js';
import { h, replaceChildren, setText } from './dom.js';
import { formatDateTime, formatNumber, pick, t } from './i18n.js';
import type { MessageKey } from './messages.js';
import { diffTotalLabels } from './messages.js';

export interface DiffView {
  /** Shows the diff `diffId` names (the newest), or says there is none. */
  load(diffId: number | null): Promise<void>;
  relabel(): void;
}

const PAGE_SIZE = 20;
const COUNTS = ['rows_restated', 'rows_added', 'rows_removed'] as const;
const FLAGGED = new Set(['symbols_restated', 'rows_restated', 'symbols_removed', 'rows_removed', 'days_removed']);
const CHANGE_LABEL: Record<DiffSymbol['change'], MessageKey> = {
  added: 'changeAdded',
  removed: 'changeRemoved',
  changed: 'changeChanged',
};
const FILTERS: readonly [string, MessageKey][] = [
  ['restated', 'changeRestated'],
  ['readjusted', 'changeReadjusted'],
  ['added', 'changeAdded'],
  ['removed', 'changeRemoved'],
  ['changed', 'changeChanged'],
];

/**
 * What changed since the previous bundle generation: the totals, the changed symbols (restated first; filter, search,
 * sort by any count, page) and the restated rows of a chosen symbol.
 */
export function createDiffView(root: HTMLElement): DiffView {
  let diffId: number | null = null;
  let page: DiffPage | null = null;
  let failure: string | null = null;
  let sort: SortOrder = { key: 'rows_restated', descending: true };
  let change = '';
  let search = '';
  let offset = 0;
  let chosen: { symbol: string; samples: readonly DiffSample[] } | null = null;
  let timer: number | undefined;

  const status = h('p', { class: 'load-status', attrs: { role: 'status' } });
  const fromTo = h('p', { class: 'note' });
  const summary = h('p', { class: 'diff-summary' });
  const grid = h('ul', { class: 'metric-grid' });
  const changeLabel = h('label', { attrs: { for: 'diff-change' } });
  const changeSelect = h('select', {
    id: 'diff-change',
    on: {
      change: () => {
        change = changeSelect.value;
        offset = 0;
        void loadPage();
      },
    },
  });
  const searchLabel = h('label', { attrs: { for: 'diff-search' } });
  const searchInput = h('input', {
    id: 'diff-search',
    attrs: { type: 'search', autocomplete: 'off', spellcheck: 'false' },
    on: {
      input: () => {
        window.clearTimeout(timer);
        timer = window.setTimeout(() => {
          search = searchInput.value.trim();
          offset = 0;
          void loadPage();
        }, 250);
      },
    },
  });
  const columns: Column<DiffSymbol>[] = [
    { key: 'symbol', label: () => t('symbol'), sortable: true, cell: (row) => row.symbol },
    {
      key: 'change',
      label: () => t('changeFilter'),
      sortable: true,
      cell: (row) => h('span', { class: `badge change-${row.change}` }, t(CHANGE_LABEL[row.change])),
    },
    ...COUNTS.map((key): Column<DiffSymbol> => ({
      key,
      label: () => t(key === 'rows_restated' ? 'rowsRestated' : key === 'rows_added' ? 'rowsAdded' : 'rowsRemoved'),
      sortable: true,
      numeric: true,
      cell: (row) => formatNumber(row[key]),
    })),
    {
      key: 'readjusted',
      label: () => t('readjusted'),
      sortable: true,
      cell: (row) => (row.readjusted ? `× ${row.readjust_ratio ?? '?'}` : '—'),
    },
    {
      key: 'first_restated_date',
      label: () => t('firstRestated'),
      sortable: true,
      cell: (row) => row.first_restated_date ?? '—',
    },
    {
      key: 'last_restated_date',
      label: () => t('lastRestated'),
      sortable: true,
      cell: (row) => row.last_restated_date ?? '—',
    },
    {
      key: 'samples',
      label: () => t('showSamples'),
      cell: (row) =>
        h(
          'button',
          {
            attrs: {
              type: 'button',
              'data-focus-key': `samples-${row.symbol}`,
              'aria-label': t('showSamplesOf', { symbol: row.symbol }),
            },
            on: { click: () => void showSamples(row.symbol) },
          },
          t('showSamples'),
        ),
    },
  ];
  const table = createDataTable<DiffSymbol>({
    columns,
    caption: () => t('diffTitle'),
    rowKey: (row) => row.symbol,
    onSort: (key) => {
      // A first click sorts counts from the largest; names and dates A→Z.
      const largestFirst = (COUNTS as readonly string[]).includes(key) || key === 'readjusted';
      sort = sort.key === key ? { key, descending: !sort.descending } : { key, descending: largestFirst };
      offset = 0;
      void loadPage();
    },
  });
  const pager = createPager(
    () => {
      offset = Math.max(0, offset - PAGE_SIZE);
      void loadPage();
    },
    () => {
      offset += PAGE_SIZE;
      void loadPage();
    },
  );
  const samplesTitle = h('h4', { id: 'diff-samples-title' });
  const samplesNote = h('p', { class: 'note' });
  const samplesTable = createDataTable<DiffSample & { key: string }>({
    caption: () => samplesTitle.textContent ?? '',
    rowKey: (row) => row.key,
    columns: [
      { key: 'date', label: () => t('date'), cell: (row) => row.trade_date },
      { key: 'field', label: () => t('sampleField'), cell: (row) => row.field },
      { key: 'old', label: () => t('sampleOld'), numeric: true, cell: (row) => row.old ?? '—' },
      { key: 'new', label: () => t('sampleNew'), numeric: true, cell: (row) => row.new ?? '—' },
    ],
  });
  const samples = h(
    'section',
    { class: 'diff-samples', attrs: { 'aria-labelledby': 'diff-samples-title' } },
    samplesTitle,
    samplesNote,
    samplesTable.element,
  );
  const body = h(
    'div',
    { class: 'diff-body' },
    h(
      'div',
      { class: 'diff-main' },
      fromTo,
      summary,
      grid,
      h(
        'div',
        { class: 'toolbar' },
        h('span', { class: 'field' }, changeLabel, changeSelect),
        h('span', { class: 'field' }, searchLabel, searchInput),
      ),
      table.element,
      pager.element,
    ),
    samples,
  );
  root.append(status, body);

  async function load(id: number | null): Promise<void> {
    if (id !== diffId) chosen = null;
    diffId = id;
    offset = 0;
    await loadPage();
  }

  async function loadPage(): Promise<void> {
    if (diffId === null) {
      page = null;
      failure = null;
      relabel();
      return;
    }
    try {
      const sortParam = `${sort.descending ? '-' : ''}${sort.key}`;
      page = await callApi<DiffPage>(
        'GET',
        `/bundle/diff${query({ diff_id: diffId, change, q: search, sort: sortParam, limit: PAGE_SIZE, offset })}`,
      );
      failure = null;
    } catch (error) {
      page = null;
      failure = error instanceof Error ? error.message : String(error);
    }
    relabel();
  }

  async function showSamples(symbol: string): Promise<void> {
    try {
      const found = await callApi<{ samples: DiffSample[] }>(
        'GET',
        `/bundle/diff/symbols/${encodeURIComponent(symbol)}${query({ diff_id: diffId })}`,
      );
      chosen = { symbol, samples: found.samples };
    } catch (error) {
      chosen = null;
      failure = error instanceof Error ? error.message : String(error);
    }
    relabel();
    samples.scrollIntoView({ block: 'nearest' });
  }

  function relabel(): void {
    setText(changeLabel, t('changeFilter'));
    setText(searchLabel, t('searchSymbols'));
    changeSelect.replaceChildren(
      h('option', { attrs: { value: '' } }, t('all')),
      ...FILTERS.map(([value, label]) => h('option', { attrs: { value } }, t(label))),
    );
    changeSelect.value = change;
    const compared = page !== null && page.totals !== null;
    body.hidden = !compared;
    setText(status, statusText());
    if (page === null || page.totals === null) return;
    const describe = (side: DiffPage['to']): string =>
      `${formatDateTime(side.installed_at)} · ${side.checksum?.slice(0, 12) ?? '—'} · ${side.format ?? '—'}`;
    setText(fromTo, t('diffFromTo', { from: page.from === null ? '—' : describe(page.from), to: describe(page.to) }));
    const totals = page.totals;
    const count = (name: string): number => totals[name] ?? 0;
    setText(
      summary,
      t('diffSummary', {
        restated: count('symbols_restated'),
        rows: formatNumber(count('rows_restated')),
        readjusted: count('symbols_readjusted'),
        added: count('symbols_added'),
        removed: count('symbols_removed'),
        days: count('days_added'),
      }),
    );
    replaceChildren(
      grid,
      ...Object.keys(diffTotalLabels).map((name) => {
        const flagged = count(name) > 0 && FLAGGED.has(name);
        return h(
          'li',
          { class: `metric${flagged ? ' metric-flagged' : ''}` },
          h('span', { class: 'metric-value' }, formatNumber(count(name))),
          h('span', { class: 'metric-name' }, pick(diffTotalLabels[name], name)),
        );
      }),
    );
    table.update(page.symbols, sort);
    pager.update(Math.floor(offset / PAGE_SIZE) + 1, offset > 0, offset + PAGE_SIZE < page.total, page.total);
    setText(samplesTitle, chosen === null ? t('showSamples') : t('samplesTitle', { symbol: chosen.symbol }));
    setText(samplesNote, chosen === null ? t('samplesPick') : chosen.samples.length === 0 ? t('noSamples') : '');
    samplesTable.element.hidden = chosen === null || chosen.samples.length === 0;
    samplesTable.update((chosen?.samples ?? []).map((sample, i) => ({ ...sample, key: String(i) })));
  }

  function statusText(): string {
    if (failure !== null) return t('loadFailed', { message: failure });
    if (page === null) return t('diffNone');
    const notes: string[] = [];
    if (!page.matches_bundle) notes.push(t('diffStale'));
    if (page.totals === null) notes.push(t('diffFirstInstall'));
    else if (page.total === 0) notes.push(t('noDiffSymbols'));
    return notes.join(' ');
  }

  return { load, relabel };
}
