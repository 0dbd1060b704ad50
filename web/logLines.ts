import { LOG_LEVELS, type LogLevel, type TaskLog } from './apiTypes.js';
import { h } from './dom.js';
import { formatDateTime, formatTime } from './i18n.js';
import { levelLabel, stageLabel } from './labels.js';

/** One log line as a list item; the message is text (it may hold anything a stage or a file put there). */
export function renderLogLine(line: TaskLog): HTMLLIElement {
  return h(
    'li',
    { class: `log-line level-${line.level.toLowerCase()}`, attrs: { 'data-log-id': line.id } },
    h(
      'time',
      { class: 'log-time', attrs: { datetime: line.timestamp, title: formatDateTime(line.timestamp) } },
      formatTime(line.timestamp),
    ),
    h('span', { class: 'log-level' }, levelLabel(line.level)),
    line.stage === null ? null : h('span', { class: 'log-stage' }, stageLabel(line.stage)),
    h('span', { class: 'log-message' }, line.message),
  );
}

export function meetsLevel(line: TaskLog, minimum: LogLevel): boolean {
  return LOG_LEVELS.indexOf(line.level) >= LOG_LEVELS.indexOf(minimum);
}

/** A select of the minimum level (DEBUG shows everything). */
export function createLevelSelect(id: string, onChange: (level: LogLevel) => void): HTMLSelectElement {
  const select = h(
    'select',
    { id, on: { change: () => onChange(select.value as LogLevel) } },
    ...LOG_LEVELS.map((level) => h('option', { attrs: { value: level } }, level)),
  );
  return select;
}

/** True when a scrollable list shows its last line, so new lines should keep it scrolled to the end. */
export function isScrolledToEnd(element: HTMLElement): boolean {
  return element.scrollHeight - element.scrollTop - element.clientHeight < 24;
}
