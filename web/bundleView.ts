import { ApiError, callApi } from './api.js';
import type { BundleInfo } from './apiTypes.js';
import { h, replaceChildren, setText } from './dom.js';
import { formatBytes, formatDateTime, pick, t } from './i18n.js';
import { metricCell } from './labels.js';
import { metricLabels } from './messages.js';

export interface BundleView {
  /** Fetches the summary; resolves to it, or null when there is no bundle (nor an analysis of one). */
  load(): Promise<BundleInfo | null>;
  /** Shows "no bundle yet" without asking the server. */
  showMissing(): void;
  relabel(): void;
}

/** Counts that describe the data rather than flag a problem: never highlighted. */
const NEUTRAL = new Set(['symbol_count', 'rows_written', 'limit_up_hits', 'limit_down_hits', 'zero_volume_rows']);
const ORDER = Object.keys(metricLabels);

/** The installed bundle's summary and its data-quality totals. */
export function createBundleView(summaryRoot: HTMLElement, qualityRoot: HTMLElement): BundleView {
  let info: BundleInfo | null = null;
  let failure: string | null = null;
  const status = h('p', { class: 'empty', attrs: { role: 'status' } });
  const note = h('p', { class: 'note' });
  const facts = h('dl', { class: 'facts facts-wide' });
  const grid = h('ul', { class: 'metric-grid' });
  summaryRoot.append(status, note, facts);
  qualityRoot.append(grid);

  async function load(): Promise<BundleInfo | null> {
    try {
      info = await callApi<BundleInfo>('GET', '/bundle');
      failure = null;
    } catch (error) {
      info = null;
      const noBundle = error instanceof ApiError && error.code === 'NO_BUNDLE';
      failure = noBundle ? null : error instanceof Error ? error.message : String(error);
    }
    relabel();
    return info;
  }

  function relabel(): void {
    setText(status, failure !== null ? t('loadFailed', { message: failure }) : info === null ? t('noBundle') : '');
    status.hidden = info !== null;
    facts.hidden = info === null;
    grid.hidden = info === null;
    note.hidden = info === null || info.analysis_matches_bundle;
    setText(note, t('awaitingAnalysis'));
    if (info === null) return;
    const analysis = info.status === null ? '—' : info.status === 'ok' ? t('analysisOk') : t('analysisWarn');
    const calendar =
      info.calendar_source === null
        ? '—'
        : info.calendar_source === 'bundle'
          ? t('calendarBundle')
          : t('calendarDerived');
    const previous = info.previous;
    const rows: [string, string][] = [
      [t('bundleSource'), info.source ?? '—'],
      [t('bundleFormat'), info.format ?? '—'],
      [t('checksum'), info.checksum ?? '—'],
      [t('size'), formatBytes(info.size_bytes)],
      [t('installedAt'), formatDateTime(info.installed_at)],
      [t('analysedAt'), formatDateTime(info.analysed_at)],
      [t('analysisStatus'), analysis],
      [t('calendar'), calendar],
      [t('restored'), info.restored ? t('yes') : t('no')],
      [
        t('previousGeneration'),
        previous === null
          ? t('none')
          : `${formatDateTime(previous.installed_at)} · ${previous.checksum?.slice(0, 12) ?? '—'} · ${previous.source}`,
      ],
    ];
    replaceChildren(facts, ...rows.flatMap(([name, value]) => [h('dt', {}, name), h('dd', { class: 'break' }, value)]));
    const totals = info.totals ?? {};
    // A metric the format cannot express is null: shown as not applicable, never as a clean 0.
    const names = ORDER.filter((name) => typeof totals[name] === 'number' || totals[name] === null);
    replaceChildren(
      grid,
      ...names.map((name) => {
        const value = totals[name];
        const flagged = typeof value === 'number' && value > 0 && !NEUTRAL.has(name);
        const kind = value === null ? ' metric-na' : flagged ? ' metric-flagged' : '';
        return h(
          'li',
          { class: `metric${kind}` },
          h('span', { class: 'metric-value' }, metricCell(value)),
          h('span', { class: 'metric-name' }, pick(metricLabels[name], name)),
        );
      }),
    );
  }

  function showMissing(): void {
    info = null;
    failure = null;
    relabel();
  }

  return { load, showMissing, relabel };
}
