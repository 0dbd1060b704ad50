import { callApi, query } from './api.js';
import type { Finding } from './apiTypes.js';
import { createDataTable, createPager } from './dataTable.js';
import { h, setText } from './dom.js';
import { pick, t } from './i18n.js';
import { checkLabels } from './messages.js';

export interface FindingsView {
  load(): Promise<void>;
  /** Filters by a symbol and brings the list into view. */
  showSymbol(symbol: string): void;
  relabel(): void;
}

const PAGE_SIZE = 20;
const SEVERITY = { error: 'severityError', warn: 'severityWarn', info: 'severityInfo' } as const;

/** The finding samples: which rows of which symbol were flagged and why, filtered by symbol and check. */
export function createFindingsView(root: HTMLElement): FindingsView {
  let symbol = '';
  let check = '';
  let offset = 0;
  let total = 0;
  let rows: Finding[] = [];
  let checks: { check_code: string; count: number }[] = [];
  const symbolLabel = h('label', { attrs: { for: 'findings-symbol' } });
  const symbolInput = h('input', {
    id: 'findings-symbol',
    attrs: { type: 'search', autocomplete: 'off', spellcheck: 'false' },
    on: {
      change: () => {
        symbol = symbolInput.value.trim();
        offset = 0;
        void load();
      },
    },
  });
  const checkLabel = h('label', { attrs: { for: 'findings-check' } });
  const checkSelect = h('select', {
    id: 'findings-check',
    on: {
      change: () => {
        check = checkSelect.value;
        offset = 0;
        void load();
      },
    },
  });
  const status = h('p', { class: 'load-status', attrs: { role: 'status' } });
  const table = createDataTable<Finding>({
    caption: () => t('findingsTitle'),
    rowKey: (row) => String(row.id),
    columns: [
      { key: 'symbol', label: () => t('symbol'), cell: (row) => row.symbol ?? '—' },
      { key: 'date', label: () => t('date'), cell: (row) => row.trade_date ?? '—' },
      {
        key: 'check',
        label: () => t('findingsCheck'),
        cell: (row) => pick(checkLabels[row.check_code], row.check_code),
      },
      {
        key: 'severity',
        label: () => t('severity'),
        cell: (row) => h('span', { class: `badge severity-${row.severity}` }, t(SEVERITY[row.severity])),
      },
      {
        key: 'line',
        label: () => t('lineNo'),
        numeric: true,
        cell: (row) => (row.line_no === null ? '—' : row.line_no),
      },
      { key: 'detail', label: () => t('detail'), wrap: true, cell: (row) => row.detail ?? '—' },
    ],
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
  root.append(
    h(
      'div',
      { class: 'toolbar' },
      h('span', { class: 'field' }, symbolLabel, symbolInput),
      h('span', { class: 'field' }, checkLabel, checkSelect),
    ),
    table.element,
    pager.element,
    status,
  );

  async function load(): Promise<void> {
    try {
      const page = await callApi<{ total: number; findings: Finding[]; checks: typeof checks }>(
        'GET',
        `/bundle/findings${query({ symbol, check, limit: PAGE_SIZE, offset })}`,
      );
      rows = page.findings;
      total = page.total;
      checks = page.checks;
      setText(status, rows.length === 0 ? t('noFindings') : '');
    } catch (error) {
      rows = [];
      setText(status, t('loadFailed', { message: error instanceof Error ? error.message : String(error) }));
    }
    relabel();
  }

  function relabel(): void {
    setText(symbolLabel, t('findingsSymbol'));
    setText(checkLabel, t('findingsCheck'));
    checkSelect.replaceChildren(
      h('option', { attrs: { value: '' } }, t('all')),
      ...checks.map((c) =>
        h(
          'option',
          { attrs: { value: c.check_code } },
          `${pick(checkLabels[c.check_code], c.check_code)} (${c.count})`,
        ),
      ),
    );
    checkSelect.value = check;
    table.update(rows);
    pager.update(Math.floor(offset / PAGE_SIZE) + 1, offset > 0, offset + PAGE_SIZE < total, total);
  }

  return {
    load,
    showSymbol(value) {
      symbol = value;
      symbolInput.value = value;
      offset = 0;
      void load().then(() => root.scrollIntoView({ block: 'start' }));
    },
    relabel,
  };
}
