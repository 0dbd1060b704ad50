import type { DevhostLog } from '../durable/types.js';
import type { ScheduleStatus, TimerStatusStore } from './createTimerStatusStore.js';
import type { TimerSchedule } from './parseTimerSchedule.js';

/** Time source and timer primitives, injected so tests control time. */
export interface TimerClock {
  now(): Date;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: TimerClock = {
  now: () => new Date(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface TimerDefinition {
  name: string;
  schedule: TimerSchedule;
  runOnStartup: boolean;
  /** Persist last/next so a restart can detect a missed occurrence (the binding's useMonitor). */
  useMonitor: boolean;
}

/** The value a timer-triggered handler receives: camelCase, as the v4 library converts the host's PascalCase. */
export interface TimerValue {
  schedule: { adjustForDST: boolean };
  scheduleStatus: ScheduleStatus | null;
  isPastDue: boolean;
}

export interface TimerScheduler {
  /** Arms every timer; fires past-due and runOnStartup invocations at once. */
  start(): void;
  nextRun(name: string): Date | undefined;
  /** Stops arming timers, abandons pending retries and waits up to graceMs for running invocations. */
  stop(graceMs: number): Promise<void>;
}

export interface TimerSchedulerOptions {
  timers: readonly TimerDefinition[];
  clock: TimerClock;
  store: TimerStatusStore;
  /** Runs one execution (with its retries); `signal` aborts when the scheduler stops. */
  invoke(name: string, value: TimerValue, signal: AbortSignal): Promise<unknown>;
  log: DevhostLog;
}

// What .NET's DateTime.MinValue serialises to: the monitor's "never ran" marker.
const neverRan = new Date('0001-01-01T00:00:00.000Z').toISOString();
const maxDelayMs = 2 ** 31 - 1;

interface TimerState {
  definition: TimerDefinition;
  next: Date | undefined;
  status: ScheduleStatus | undefined;
  handle: unknown;
  running: Promise<void> | undefined;
}

/**
 * Runs timer functions on their schedules, one execution of a given function at a time: the next occurrence is
 * computed when an execution, retries included, has finished.
 */
export function createTimerScheduler(options: TimerSchedulerOptions): TimerScheduler {
  const { clock, store, log } = options;
  const states = new Map<string, TimerState>();
  const stopping = new AbortController();
  let stopped = false;

  const arm = (state: TimerState): void => {
    if (stopped || !state.next) return;
    const delay = Math.min(maxDelayMs, Math.max(0, state.next.getTime() - clock.now().getTime()));
    state.handle = clock.setTimeout(() => {
      state.handle = undefined;
      if (stopped || !state.next) return;
      if (clock.now().getTime() < state.next.getTime()) arm(state);
      else fire(state, false, state.next);
    }, delay);
  };

  const fire = (state: TimerState, isPastDue: boolean, occurrence: Date): void => {
    const { definition } = state;
    const value: TimerValue = {
      schedule: { adjustForDST: definition.schedule.adjustForDST },
      scheduleStatus: state.status ? { ...state.status } : null,
      isPastDue,
    };
    state.running = options
      .invoke(definition.name, value, stopping.signal)
      .then(
        () => undefined,
        (error: unknown) => log('error', `Timer function '${definition.name}' failed: ${String(error)}`),
      )
      .finally(() => {
        state.running = undefined;
        const finished = clock.now();
        const next =
          definition.schedule.kind === 'timespan'
            ? new Date(Math.max(definition.schedule.next(occurrence)!.getTime(), finished.getTime()))
            : definition.schedule.next(finished);
        state.next = next;
        if (definition.useMonitor && next) {
          state.status = {
            last: occurrence.toISOString(),
            next: next.toISOString(),
            lastUpdated: finished.toISOString(),
          };
          store.write(definition.name, state.status);
        }
        arm(state);
      });
  };

  const startOne = (definition: TimerDefinition, now: Date): void => {
    const state: TimerState = { definition, next: undefined, status: undefined, handle: undefined, running: undefined };
    states.set(definition.name, state);
    const persisted = definition.useMonitor ? store.read(definition.name) : undefined;
    let pastDueAt: Date | undefined;
    let next = definition.schedule.next(now);
    if (persisted) {
      const recordedNext = new Date(persisted.next);
      // A cron schedule edited since the last run is not a missed run (the host compares the same way).
      const changed =
        definition.schedule.kind === 'ncrontab' &&
        persisted.last !== neverRan &&
        definition.schedule.next(new Date(persisted.last))?.getTime() !== recordedNext.getTime();
      if (!changed && !Number.isNaN(recordedNext.getTime())) {
        if (recordedNext.getTime() <= now.getTime()) pastDueAt = recordedNext;
        else next = recordedNext;
      }
    }
    state.next = next;
    if (definition.useMonitor && next) {
      state.status = {
        last: persisted?.last ?? neverRan,
        next: (pastDueAt ?? next).toISOString(),
        lastUpdated: now.toISOString(),
      };
      store.write(definition.name, state.status);
    }
    // A missed occurrence and runOnStartup share one invocation, as on the real host.
    if (pastDueAt) fire(state, true, pastDueAt);
    else if (definition.runOnStartup) fire(state, false, now);
    else arm(state);
  };

  return {
    start() {
      const now = clock.now();
      for (const definition of options.timers) startOne(definition, now);
    },
    nextRun(name) {
      return states.get(name)?.next;
    },
    async stop(graceMs) {
      stopped = true;
      stopping.abort();
      for (const state of states.values()) {
        if (state.handle !== undefined) clock.clearTimeout(state.handle);
        state.handle = undefined;
      }
      const running = [...states.values()].flatMap((s) => (s.running ? [s.running] : []));
      if (running.length === 0) return;
      let handle: unknown;
      await Promise.race([
        Promise.allSettled(running),
        new Promise<void>((resolve) => {
          handle = clock.setTimeout(resolve, graceMs);
        }),
      ]);
      clock.clearTimeout(handle);
    },
  };
}
