import type { LogLevel, TaskSource, TaskStage, TaskStatus, TaskType } from './apiTypes.js';
import { h } from './dom.js';
import { formatNumber, t } from './i18n.js';
import type { MessageKey } from './messages.js';

// Display names of the API's enumerations, in the current language.

const STATUS: Record<TaskStatus, MessageKey> = {
  pending: 'statusPending',
  running: 'statusRunning',
  success: 'statusSuccess',
  failed: 'statusFailed',
  cancelled: 'statusCancelled',
};
const TYPE: Record<TaskType, MessageKey> = {
  download: 'typeDownload',
  analyze: 'typeAnalyze',
  rollback: 'typeRollback',
};
const SOURCE: Record<TaskSource, MessageKey> = {
  manual: 'sourceManual',
  schedule: 'sourceSchedule',
  retry: 'sourceRetry',
};
const STAGE: Record<TaskStage, MessageKey> = {
  download: 'stageDownload',
  unzip: 'stageUnzip',
  rollback: 'stageRollback',
  diff: 'stageDiff',
  analyze: 'stageAnalyze',
};

export const statusLabel = (status: TaskStatus): string => t(STATUS[status]);
export const typeLabel = (type: TaskType): string => t(TYPE[type]);
export const sourceLabel = (source: TaskSource): string => t(SOURCE[source]);
export const stageLabel = (stage: TaskStage): string => t(STAGE[stage]);
/** Log levels stay in English capitals: they are what operators grep for. */
export const levelLabel = (level: LogLevel): string => level;

/** The stages a task type runs, in order (the server's stage plan; used before the durations arrive). */
export function stagesOf(type: TaskType): readonly TaskStage[] {
  if (type === 'download') return ['download', 'unzip', 'diff', 'analyze'];
  return type === 'rollback' ? ['rollback', 'diff', 'analyze'] : ['analyze'];
}

/** A count as a cell: the number, or "not applicable" (marked, with why) when the bundle's format cannot express it. */
export function metricCell(value: unknown): HTMLElement | string {
  if (typeof value === 'number') return formatNumber(value);
  return h('span', { class: 'not-applicable', attrs: { title: t('notApplicableHint') } }, t('notApplicable'));
}
