import { isActive, type BundleInfo, type StageDurations, type Task, type TaskLog } from './apiTypes.js';
import type { TokenState } from './describeToken.js';

export type LiveState = 'off' | 'connecting' | 'live' | 'polling';

/** Log lines kept per followed task; older ones scroll out of the tail (the detail view pages through all). */
const MAX_LOG_LINES = 10_000;

/** Everything the views render from. Mutated only through the functions below, which then notify the views. */
export interface DashboardState {
  token: TokenState;
  /** The server answered 401 to the stored token. */
  tokenRejected: boolean;
  readonly tasks: Map<string, Task>;
  /** The active task, or else the newest one. */
  currentId: string | null;
  /** Log lines per followed task (the current one and the one open in the detail view), by ascending id. */
  readonly logs: Map<string, TaskLog[]>;
  live: LiveState;
  /** Null until known. */
  bundleInstalled: boolean | null;
  /** The generation a rollback would restore; null when none is kept (or not known yet). */
  previousBundle: BundleInfo['previous'];
  durations: StageDurations | null;
}

type Listener = (state: DashboardState) => void;
const listeners: Listener[] = [];

export const state: DashboardState = {
  token: { kind: 'missing' },
  tokenRejected: false,
  tasks: new Map(),
  currentId: null,
  logs: new Map(),
  live: 'off',
  bundleInstalled: null,
  previousBundle: null,
  durations: null,
};

export function subscribe(listener: Listener): void {
  listeners.push(listener);
}

export function notify(): void {
  for (const listener of listeners) listener(state);
}

/** How far a task has come: pending, running, finished. A report never moves a task back. */
function phase(task: Task): number {
  if (task.status === 'pending') return 0;
  return task.status === 'running' ? 1 : 2;
}

/**
 * Takes in a task as some answer or event reported it. Answers may arrive out of order (the 202 of a submit, or the
 * 409 of a second click, can arrive after the event stream reported the task running), so a task never goes back from
 * finished to active or from running to pending, and an active task's progress never goes back.
 * Returns the previous state of the task.
 */
export function upsertTask(task: Task): Task | undefined {
  const known = state.tasks.get(task.task_id);
  if (known !== undefined && phase(known) > phase(task)) return known;
  const merged =
    known !== undefined && isActive(known) && isActive(task) && known.progress > task.progress
      ? { ...task, progress: known.progress }
      : task;
  state.tasks.set(task.task_id, merged);
  state.currentId = chooseCurrent();
  return known;
}

export function currentTask(): Task | null {
  return state.currentId === null ? null : (state.tasks.get(state.currentId) ?? null);
}

export function activeTask(): Task | null {
  for (const task of state.tasks.values()) if (isActive(task)) return task;
  return null;
}

/**
 * Adds log lines of a task, keeping ids unique and ascending (a page fetched by REST may overlap lines the event
 * stream already brought). Returns whether anything was new.
 */
export function addLogs(taskId: string, lines: readonly TaskLog[]): boolean {
  const list = state.logs.get(taskId) ?? [];
  const known = new Set(list.map((line) => line.id));
  const fresh = lines.filter((line) => line.task_id === taskId && !known.has(line.id));
  state.logs.set(taskId, list);
  if (fresh.length === 0) return false;
  const merged = [...list, ...fresh].sort((a, b) => a.id - b.id);
  state.logs.set(taskId, merged.length > MAX_LOG_LINES ? merged.slice(-MAX_LOG_LINES) : merged);
  return true;
}

/** The newest log id held for a task (0 when none): where to resume fetching. */
export function lastLogId(taskId: string): number {
  return state.logs.get(taskId)?.at(-1)?.id ?? 0;
}

export function clearTasks(): void {
  state.tasks.clear();
  state.logs.clear();
  state.currentId = null;
  state.bundleInstalled = null;
  state.previousBundle = null;
  state.durations = null;
}

function chooseCurrent(): string | null {
  let newest: Task | null = null;
  for (const task of state.tasks.values()) {
    if (isActive(task)) return task.task_id;
    if (newest === null || task.created_at > newest.created_at) newest = task;
  }
  return newest?.task_id ?? null;
}
