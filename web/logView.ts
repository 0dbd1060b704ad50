import type { LogLevel } from './apiTypes.js';
import { h, replaceChildren, setText } from './dom.js';
import { currentLanguage, t } from './i18n.js';
import { createLevelSelect, isScrolledToEnd, meetsLevel, renderLogLine } from './logLines.js';
import { state } from './state.js';

export interface LogView {
  update(): void;
}

/** The live tail of the current task's log, with a minimum-level filter. */
export function createLogView(root: HTMLElement): LogView {
  let minimum: LogLevel = 'DEBUG';
  const label = h('label', { attrs: { for: 'log-level' } });
  const select = createLevelSelect('log-level', (level) => {
    minimum = level;
    rendered = { ...rendered, taskId: null };
    update();
  });
  const list = h('ol', { class: 'log-list', attrs: { role: 'log', tabindex: 0 } });
  const empty = h('p', { class: 'empty' });
  root.append(h('div', { class: 'toolbar' }, label, select), list, empty);
  let rendered = { taskId: null as string | null, lastId: 0, count: 0, lang: currentLanguage() };

  function update(): void {
    setText(label, t('minLevel'));
    list.setAttribute('aria-label', t('logsTitle'));
    const taskId = state.currentId;
    const lines = (taskId === null ? [] : (state.logs.get(taskId) ?? [])).filter((line) => meetsLevel(line, minimum));
    const atEnd = isScrolledToEnd(list);
    const fresh = lines.filter((line) => line.id > rendered.lastId);
    // Append when only new lines came (the usual case); rebuild when the task or the filter changed.
    const rebuild = rendered.taskId !== taskId || rendered.lang !== currentLanguage();
    if (rebuild || lines.length !== rendered.count + fresh.length) {
      replaceChildren(list, ...lines.map(renderLogLine));
    } else {
      list.append(...fresh.map(renderLogLine));
    }
    rendered = { taskId, lastId: lines.at(-1)?.id ?? 0, count: lines.length, lang: currentLanguage() };
    empty.hidden = lines.length > 0;
    list.hidden = lines.length === 0;
    setText(empty, t('noLogs'));
    if (atEnd) list.scrollTop = list.scrollHeight;
  }

  return { update };
}
