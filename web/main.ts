import './emptyHtmlPolicy.js';
import { callApi } from './api.js';
import { isActive, type BundleInfo, type StageDurations, type Task, type TaskLog } from './apiTypes.js';
import { createAuthView } from './authView.js';
import { createBundleView } from './bundleView.js';
import { createCurrentView } from './currentView.js';
import { createDaysChart } from './daysChart.js';
import { createDetailView } from './detailView.js';
import { createDiffView } from './diffView.js';
import { byId, setText } from './dom.js';
import { createFindingsView } from './findingsView.js';
import { createHistoryView } from './historyView.js';
import { currentLanguage, loadLanguage, setLanguage, t, translateStaticLabels } from './i18n.js';
import { createLiveUpdates, POLL_SECONDS } from './liveUpdates.js';
import { createLogView } from './logView.js';
import { addLogs, clearTasks, lastLogId, notify, state, subscribe, upsertTask } from './state.js';
import { createSymbolsTable } from './symbolsTable.js';
import { describeToken } from './describeToken.js';
import { readToken, takeTokenFromFragment } from './token.js';

loadLanguage();
takeTokenFromFragment(window.location, window.history);

const signedInOnly = [byId('history'), byId('detail'), byId('bundle')];
const liveStatus = byId('live-status');
const auth = createAuthView(byId('auth'), () => void applyToken());
const taskHandlers = { onTask: takeTask, onUnauthorized, onOpenTask: (id: string) => void detail.open(id) };
const current = createCurrentView(byId('current-body'), taskHandlers);
const logs = createLogView(byId('logs-body'));
const detail = createDetailView(byId('detail-body'), taskHandlers);
const history = createHistoryView(byId('history-body'), (id) => void detail.open(id));
const bundle = createBundleView(byId('bundle-summary'), byId('bundle-quality'));
const diff = createDiffView(byId('bundle-diff'));
const chart = createDaysChart(byId('bundle-days'));
const findings = createFindingsView(byId('bundle-findings'));
const symbols = createSymbolsTable(byId('bundle-symbols'), (symbol) => findings.showSymbol(symbol));
const live = createLiveUpdates({
  onTask: takeTask,
  onLog: takeLog,
  resync,
  onState: (next) => {
    state.live = next;
    notify();
  },
  onUnauthorized,
});
let historyTimer: number | undefined;

subscribe(() => {
  auth.update();
  current.update(Date.now());
  logs.update();
  detail.update();
  const signedIn = state.token.kind === 'valid' && !state.tokenRejected;
  for (const section of signedInOnly) section.hidden = !signedIn;
  const liveText = { off: t('liveOff'), connecting: t('liveConnecting'), live: t('liveOn') };
  setText(liveStatus, state.live === 'polling' ? t('livePolling', { seconds: POLL_SECONDS }) : liveText[state.live]);
  liveStatus.className = `live live-${state.live}`;
});

byId('lang-toggle').addEventListener('click', () => {
  setLanguage(currentLanguage() === 'zh' ? 'en' : 'zh');
  relabelAll();
});

window.setInterval(() => {
  // Elapsed time and the estimate tick; an expiring token is noticed without waiting for a 401.
  if (state.token.kind === 'valid' && state.token.expiresAt.getTime() <= Date.now()) {
    void applyToken();
    return;
  }
  current.update(Date.now());
}, 1000);

relabelAll();
void applyToken();

/** (Re)starts everything for the stored token: nothing is fetched without a usable one. */
async function applyToken(): Promise<void> {
  live.stop();
  clearTasks();
  state.token = describeToken(readToken(), Date.now());
  state.tokenRejected = false;
  notify();
  if (state.token.kind !== 'valid') return;
  live.start();
  await Promise.all([resync(), loadDurations(), loadBundle(), history.reload()]);
  notify();
}

function onUnauthorized(): void {
  state.tokenRejected = true;
  live.stop();
  notify();
}

/** The newest tasks and the current task's new log lines, by REST (start-up, fresh streams, polling). */
async function resync(): Promise<void> {
  try {
    const page = await callApi<{ tasks: Task[] }>('GET', '/tasks?limit=10');
    for (const task of page.tasks) takeTask(task);
    await loadLogs(state.currentId);
    if (state.live === 'polling') scheduleHistoryReload();
  } catch {
    // The poll after this one tries again; a 401 is handled where it is refused.
  }
}

async function loadLogs(taskId: string | null): Promise<void> {
  if (taskId === null) return;
  for (;;) {
    const page = await callApi<{ logs: TaskLog[] }>(
      'GET',
      `/tasks/${taskId}/logs?after=${lastLogId(taskId)}&limit=1000`,
    );
    addLogs(taskId, page.logs);
    if (page.logs.length < 1000) break;
  }
  notify();
}

function takeTask(task: Task): void {
  const previousCurrent = state.currentId;
  const before = upsertTask(task);
  if (state.currentId !== previousCurrent) void loadLogs(state.currentId).catch(() => undefined);
  if (before === undefined || before.status !== task.status) scheduleHistoryReload();
  if (before !== undefined && isActive(before) && task.status === 'success') {
    void loadBundle();
    void loadDurations();
  }
  notify();
}

function takeLog(line: TaskLog): void {
  if (line.task_id !== state.currentId && line.task_id !== detail.shownId()) return;
  if (addLogs(line.task_id, [line])) notify();
}

function scheduleHistoryReload(): void {
  window.clearTimeout(historyTimer);
  historyTimer = window.setTimeout(() => void history.reload(), 300);
}

async function loadDurations(): Promise<void> {
  state.durations = await callApi<StageDurations>('GET', '/stage-durations').catch(() => null);
}

async function loadBundle(): Promise<void> {
  // Health says whether a bundle is installed without a 404 (which browsers log as an error) when none is.
  const health = await callApi<{ bundle_installed: boolean }>('GET', '/health').catch(() => null);
  let info: BundleInfo | null = null;
  if (health?.bundle_installed === false) bundle.showMissing();
  else info = await bundle.load();
  state.bundleInstalled = info !== null && info.installed_at !== null;
  state.previousBundle = info?.previous ?? null;
  for (const section of document.querySelectorAll<HTMLElement>('.needs-analysis')) {
    section.hidden = info === null || info.run_id === null;
  }
  notify();
  const diffLoaded = diff.load(info?.diff_id ?? null);
  if (info === null || info.run_id === null) {
    chart.clear();
    await diffLoaded;
    return;
  }
  await Promise.all([diffLoaded, chart.load(), symbols.load(), findings.load()]).catch(() => undefined);
}

function relabelAll(): void {
  translateStaticLabels();
  history.relabel();
  bundle.relabel();
  diff.relabel();
  chart.relabel();
  symbols.relabel();
  findings.relabel();
  notify();
}
