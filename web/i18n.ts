import { en, zh, type MessageKey } from './messages.js';

export type Lang = 'zh' | 'en';

const STORAGE_KEY = 'market-data-dashboard.lang';
let lang: Lang = 'zh';

/** Reads the remembered language (Chinese unless English was chosen before). */
export function loadLanguage(): Lang {
  lang = readStorage() === 'en' ? 'en' : 'zh';
  applyDocumentLanguage();
  return lang;
}

export function currentLanguage(): Lang {
  return lang;
}

export function setLanguage(next: Lang): void {
  lang = next;
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // Storage may be disabled; the choice then lasts for this page only.
  }
  applyDocumentLanguage();
}

/** A label with `{name}` placeholders filled in (values are inserted as text, never markup). */
export function t(key: MessageKey, values: Readonly<Record<string, string | number>> = {}): string {
  const template = lang === 'en' ? en[key] : zh[key];
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}

/** Picks the current language's side of a [zh, en] pair. */
export function pick(pair: readonly [string, string] | undefined, fallback: string): string {
  if (pair === undefined) return fallback;
  return lang === 'en' ? pair[1] : pair[0];
}

/** Translates every element marked `data-i18n="key"` (the static labels of the page). */
export function translateStaticLabels(root: ParentNode = document): void {
  for (const element of root.querySelectorAll<HTMLElement>('[data-i18n]')) {
    element.textContent = t(element.dataset.i18n as MessageKey);
  }
  for (const element of root.querySelectorAll<HTMLElement>('[data-i18n-placeholder]')) {
    element.setAttribute('placeholder', t(element.dataset.i18nPlaceholder as MessageKey));
  }
  document.title = t('title');
}

export function formatDateTime(iso: string | null): string {
  if (iso === null) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'zh-CN', {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hour12: false,
  }).format(date);
}

/** `HH:mm:ss` of a timestamp, for log lines (the full date is in the element's title). */
export function formatTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat('en-GB', {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hour12: false,
  }).format(date);
}

export function formatNumber(value: number): string {
  return new Intl.NumberFormat(lang === 'en' ? 'en-GB' : 'zh-CN').format(value);
}

/** `1 分 05 秒` / `1 min 05 s`; hours when long. */
export function formatDuration(totalSeconds: number): string {
  const seconds = Math.max(0, Math.round(totalSeconds));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const pad = (n: number): string => String(n).padStart(2, '0');
  if (lang === 'en') {
    if (h > 0) return `${h} h ${pad(m)} min`;
    return m > 0 ? `${m} min ${pad(s)} s` : `${s} s`;
  }
  if (h > 0) return `${h} 小时 ${pad(m)} 分`;
  return m > 0 ? `${m} 分 ${pad(s)} 秒` : `${s} 秒`;
}

export function formatBytes(bytes: number | null): string {
  if (bytes === null) return '—';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

function applyDocumentLanguage(): void {
  document.documentElement.lang = lang === 'en' ? 'en' : 'zh-CN';
}

function readStorage(): string | null {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}
