import type * as EChartsModule from 'echarts';
import { callApi } from './api.js';
import type { DayStats } from './apiTypes.js';
import { h, replaceChildren, setText } from './dom.js';
import { t } from './i18n.js';

type ECharts = typeof EChartsModule;

/**
 * ECharts, loaded as a classic script before the page's modules (the CSP allows scripts from this origin only, so no
 * inline import map can name the package); its types come from the installed package. Undefined if it failed.
 */
function echartsLibrary(): ECharts | undefined {
  return (globalThis as { echarts?: ECharts }).echarts;
}

export interface DaysChart {
  load(): Promise<void>;
  relabel(): void;
  clear(): void;
}

const COLORS = { bar: '#4a78c2', empty: '#c0392b', thin: '#d68910', frozen: '#7d3c98' } as const;
type Flag = 'empty' | 'thin' | 'frozen';
const FLAGS: readonly Flag[] = ['empty', 'thin', 'frozen'];
const FLAG_LABEL = { empty: 'flagEmpty', thin: 'flagThin', frozen: 'flagFrozen' } as const;
const SHOWN_FLAGGED_DAYS = 60;

/** Symbols present per trading day, with empty, thin and frozen days marked; plus the same facts as text. */
export function createDaysChart(root: HTMLElement): DaysChart {
  const canvasBox = h('div', { class: 'chart', attrs: { role: 'img' } });
  const summary = h('p', { class: 'chart-summary' });
  const flaggedTitle = h('h4');
  const flaggedList = h('ul', { class: 'flagged-days' });
  root.append(canvasBox, summary, flaggedTitle, flaggedList);
  let days: DayStats[] = [];
  let chart: ReturnType<ECharts['init']> | null = null;
  new ResizeObserver(() => chart?.resize()).observe(canvasBox);

  async function load(): Promise<void> {
    days = (await callApi<{ days: DayStats[] }>('GET', '/bundle/days')).days;
    relabel();
  }

  function relabel(): void {
    root.hidden = days.length === 0;
    const counts = Object.fromEntries(FLAGS.map((flag) => [flag, days.filter((d) => d.flags.includes(flag)).length]));
    const text = t('chartSummary', {
      days: days.length,
      empty: counts.empty!,
      thin: counts.thin!,
      frozen: counts.frozen!,
    });
    setText(summary, text);
    canvasBox.setAttribute('aria-label', `${t('chartTitle')}. ${text}`);
    setText(flaggedTitle, t('flaggedDays'));
    const flagged = days.filter((d) => d.flags.length > 0);
    replaceChildren(
      flaggedList,
      ...flagged
        .slice(0, SHOWN_FLAGGED_DAYS)
        .map((d) =>
          h(
            'li',
            {},
            h('time', {}, d.trade_date),
            ` ${d.flags.map((f) => t(FLAG_LABEL[f])).join('、')} (${d.symbol_count})`,
          ),
        ),
      flagged.length === 0 ? h('li', {}, t('noFlaggedDays')) : null,
      flagged.length > SHOWN_FLAGGED_DAYS ? h('li', {}, `… ${t('totalN', { n: flagged.length })}`) : null,
    );
    draw();
  }

  function draw(): void {
    const library = echartsLibrary();
    if (library === undefined || days.length === 0) return;
    chart ??= library.init(canvasBox, undefined, { renderer: 'canvas' });
    const dates = days.map((d) => d.trade_date);
    chart.setOption(
      {
        animation: false,
        // Tooltips drawn on the canvas, not as HTML: nothing from the data is ever parsed as markup.
        tooltip: { trigger: 'axis', renderMode: 'richText' },
        legend: { top: 0 },
        grid: { left: 48, right: 16, top: 36, bottom: 72 },
        xAxis: { type: 'category', data: dates },
        yAxis: { type: 'value', minInterval: 1 },
        dataZoom: [{ type: 'inside' }, { type: 'slider', bottom: 8 }],
        series: [
          {
            name: t('chartSymbols'),
            type: 'bar',
            itemStyle: { color: COLORS.bar },
            data: days.map((d) => {
              const flag = FLAGS.find((f) => d.flags.includes(f));
              return flag === undefined
                ? d.symbol_count
                : { value: d.symbol_count, itemStyle: { color: COLORS[flag] } };
            }),
          },
          ...FLAGS.map((flag) => ({
            name: t(FLAG_LABEL[flag]),
            type: 'scatter' as const,
            symbol: 'triangle',
            symbolSize: 10,
            itemStyle: { color: COLORS[flag] },
            data: days.filter((d) => d.flags.includes(flag)).map((d) => [d.trade_date, d.symbol_count]),
          })),
        ],
      },
      { notMerge: true },
    );
  }

  function clear(): void {
    days = [];
    chart?.clear();
    relabel();
  }

  return { load, relabel, clear };
}
