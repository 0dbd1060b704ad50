import type { LogLevel, TaskSource, TaskStage, TaskStatus, TaskType } from './apiTypes.js';
import { t } from './i18n.js';
import type { MessageKey } from './messages.js';

// Display names of the API's enumerations, in the current language.

const STATUS: Record<TaskStatus, MessageKey> = {
  pending: 'statusPending',
  running: 'statusRunning',
  success: 'statusSuccess',
  failed: 'statusFailed',
  cancelled: 'statusCancelled',
};
const TYPE: Record<TaskType, MessageKey> = { download: 'typeDownload', analyze: 'typeAnalyze' };
const SOURCE: Record<TaskSource, MessageKey> = {
  manual: 'sourceManual',
  schedule: 'sourceSchedule',
  retry: 'sourceRetry',
};
const STAGE: Record<TaskStage, MessageKey> = {
  download: 'stageDownload',
  unzip: 'stageUnzip',
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
  return type === 'download' ? ['download', 'unzip', 'analyze'] : ['analyze'];
}
