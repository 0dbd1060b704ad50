import { h, keepingFocus, replaceChildren, setAttr, setText, type Child } from './dom.js';
import { t } from './i18n.js';

export interface Column<Row> {
  readonly key: string;
  readonly label: () => string;
  readonly cell: (row: Row) => Child;
  readonly numeric?: boolean;
  /** Long text (wraps instead of widening the table). */
  readonly wrap?: boolean;
  /** Offer sorting by this column (the table asks its owner to fetch in that order). */
  readonly sortable?: boolean;
}

export interface SortOrder {
  readonly key: string;
  readonly descending: boolean;
}

export interface DataTable<Row> {
  /** The table inside a horizontally scrollable wrapper (narrow screens scroll the table, not the page). */
  readonly element: HTMLElement;
  update(rows: readonly Row[], sort?: SortOrder): void;
}

export interface DataTableOptions<Row> {
  readonly columns: readonly Column<Row>[];
  readonly caption: () => string;
  readonly rowKey: (row: Row) => string;
  readonly onSort?: (key: string) => void;
}

/** A table whose header (with sort buttons) is built once, so focus stays put while rows change. */
export function createDataTable<Row>(options: DataTableOptions<Row>): DataTable<Row> {
  const caption = h('caption', { class: 'visually-hidden' });
  const headers = options.columns.map((column) => {
    const label = h('span');
    const button = column.sortable
      ? h(
          'button',
          { class: 'sort', attrs: { type: 'button' }, on: { click: () => options.onSort?.(column.key) } },
          label,
        )
      : null;
    const th = h('th', { class: column.numeric ? 'num' : undefined, attrs: { scope: 'col' } }, button ?? label);
    return { column, th, label, button };
  });
  const body = h('tbody');
  const table = h('table', {}, caption, h('thead', {}, h('tr', {}, ...headers.map((x) => x.th))), body);
  const element = h('div', { class: 'table-wrap' }, table);

  function update(rows: readonly Row[], sort?: SortOrder): void {
    setText(caption, options.caption());
    for (const { column, th, label, button } of headers) {
      const active = sort?.key === column.key;
      setText(label, `${column.label()}${active ? (sort.descending ? ' ▼' : ' ▲') : ''}`);
      if (button !== null) {
        setAttr(th, 'aria-sort', active ? (sort.descending ? 'descending' : 'ascending') : 'none');
        setAttr(button, 'aria-label', t('sortBy', { column: column.label() }));
      }
    }
    keepingFocus(body, () =>
      replaceChildren(
        body,
        ...rows.map((row) =>
          h(
            'tr',
            { attrs: { 'data-row-key': options.rowKey(row) } },
            ...options.columns.map((column) => h('td', { class: cellClass(column) }, column.cell(row))),
          ),
        ),
      ),
    );
  }

  return { element, update };
}

function cellClass(column: Column<never>): string | undefined {
  if (column.numeric) return 'num';
  return column.wrap ? 'wrap' : undefined;
}

export interface Pager {
  readonly element: HTMLElement;
  update(page: number, hasPrevious: boolean, hasNext: boolean, total?: number): void;
}

/** Previous / page n / next, as real buttons. */
export function createPager(onPrevious: () => void, onNext: () => void): Pager {
  const previous = h('button', { attrs: { type: 'button' }, on: { click: onPrevious } });
  const next = h('button', { attrs: { type: 'button' }, on: { click: onNext } });
  const where = h('span', { class: 'pager-where', attrs: { 'aria-live': 'polite' } });
  const element = h('div', { class: 'pager' }, previous, where, next);
  return {
    element,
    update(page, hasPrevious, hasNext, total) {
      setText(previous, t('prevPage'));
      setText(next, t('nextPage'));
      setText(where, `${t('pageN', { n: page })}${total === undefined ? '' : ` · ${t('totalN', { n: total })}`}`);
      previous.disabled = !hasPrevious;
      next.disabled = !hasNext;
    },
  };
}
