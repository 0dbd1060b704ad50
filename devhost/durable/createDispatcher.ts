// Runs episodes and activities within the host.json caps: at most one episode per instance at a time, ready
// instances in arrival order, activities first-in first-out, and one timeout for the earliest durable timer.
import type { WorkItem } from './runEpisode';

export interface DispatcherOptions {
  maxActivities: number;
  maxEpisodes: number;
  now: () => Date;
  runEpisode: (instanceId: string) => Promise<void>;
  runActivity: (item: WorkItem) => Promise<void>;
  onError: (what: string, error: unknown) => void;
}

// Re-check timers at least this often, so an injected clock that jumps forward is noticed.
const maxTimerSleepMs = 1000;

export function createDispatcher(options: DispatcherOptions) {
  const ready = new Set<string>();
  const runningEpisodes = new Set<string>();
  let activityQueue: WorkItem[] = [];
  let queueHead = 0;
  let runningActivities = 0;
  const timers: { dueMs: number; instanceId: string }[] = [];
  let timerHandle: NodeJS.Timeout | undefined;
  let pumpScheduled = false;
  let stopped = true;
  let idleWaiters: (() => void)[] = [];

  const notifyIfIdle = (): void => {
    if (runningEpisodes.size > 0 || runningActivities > 0) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const resolve of waiters) resolve();
  };

  const startActivities = (): void => {
    while (!stopped && runningActivities < options.maxActivities && queueHead < activityQueue.length) {
      const item = activityQueue[queueHead++];
      if (item === undefined) break;
      runningActivities++;
      options
        .runActivity(item)
        .catch((error: unknown) => options.onError(`activity '${item.name}'`, error))
        .finally(() => {
          runningActivities--;
          startActivities();
          notifyIfIdle();
        });
    }
    if (queueHead > 1024 && queueHead * 2 > activityQueue.length) {
      activityQueue = activityQueue.slice(queueHead);
      queueHead = 0;
    }
  };

  const startEpisodes = (): void => {
    for (const instanceId of ready) {
      if (stopped || runningEpisodes.size >= options.maxEpisodes) return;
      if (runningEpisodes.has(instanceId)) continue;
      ready.delete(instanceId);
      runningEpisodes.add(instanceId);
      options
        .runEpisode(instanceId)
        .catch((error: unknown) => options.onError(`orchestration episode of '${instanceId}'`, error))
        .finally(() => {
          runningEpisodes.delete(instanceId);
          schedulePump();
          notifyIfIdle();
        });
    }
  };

  const pump = (): void => {
    pumpScheduled = false;
    if (stopped) return;
    startEpisodes();
    startActivities();
  };

  const schedulePump = (): void => {
    if (pumpScheduled || stopped) return;
    pumpScheduled = true;
    setImmediate(pump);
  };

  const fireTimers = (): void => {
    timerHandle = undefined;
    const nowMs = options.now().getTime();
    while (timers.length > 0 && (timers[0]?.dueMs ?? Infinity) <= nowMs) {
      const due = timers.shift();
      if (due !== undefined) ready.add(due.instanceId);
    }
    armTimeout();
    schedulePump();
  };

  const armTimeout = (): void => {
    if (timerHandle !== undefined) clearTimeout(timerHandle);
    timerHandle = undefined;
    const next = timers[0];
    if (stopped || next === undefined) return;
    const delay = Math.max(0, Math.min(next.dueMs - options.now().getTime(), maxTimerSleepMs));
    timerHandle = setTimeout(fireTimers, delay);
  };

  return {
    start(): void {
      stopped = false;
      armTimeout();
      schedulePump();
    },
    markReady(instanceId: string): void {
      ready.add(instanceId);
      schedulePump();
    },
    enqueueWork(items: readonly WorkItem[]): void {
      if (items.length === 0) return;
      activityQueue.push(...items);
      startActivities();
    },
    addTimer(instanceId: string, dueMs: number): void {
      let index = timers.length;
      while (index > 0 && (timers[index - 1]?.dueMs ?? 0) > dueMs) index--;
      timers.splice(index, 0, { dueMs, instanceId });
      if (index === 0) armTimeout();
    },
    /** Stops dispatching and waits up to graceMs for running episodes and activities. */
    async stop(graceMs: number): Promise<void> {
      stopped = true;
      if (timerHandle !== undefined) clearTimeout(timerHandle);
      timerHandle = undefined;
      if (runningEpisodes.size === 0 && runningActivities === 0) return;
      let graceTimer: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise<void>((resolve) => idleWaiters.push(resolve)),
        new Promise<void>((resolve) => {
          graceTimer = setTimeout(resolve, Math.max(0, graceMs));
        }),
      ]);
      clearTimeout(graceTimer);
    },
  };
}

export type Dispatcher = ReturnType<typeof createDispatcher>;
