import type { Task, TaskLog } from './apiTypes.js';
import { createEventStream } from './eventStream.js';
import type { LiveState } from './state.js';
import { readToken } from './token.js';

export interface LiveUpdates {
  start(): void;
  stop(): void;
}

export interface LiveUpdateHandlers {
  readonly onTask: (task: Task) => void;
  readonly onLog: (line: TaskLog) => void;
  /** Reads the latest state by REST: after a fresh (not resumed) stream starts, and on every poll. */
  readonly resync: () => Promise<void>;
  readonly onState: (state: LiveState) => void;
  readonly onUnauthorized: () => void;
}

/** Seconds between polls while the event stream is down. */
export const POLL_SECONDS = 3;

/**
 * Keeps the page current: the event stream while it works, polling the API (and saying so) while it does not; the
 * stream keeps being retried with backoff and polling stops as soon as it is back.
 */
export function createLiveUpdates(handlers: LiveUpdateHandlers): LiveUpdates {
  let pollTimer: number | undefined;

  function startPolling(): void {
    if (pollTimer !== undefined) return;
    handlers.onState('polling');
    void handlers.resync();
    pollTimer = window.setInterval(() => void handlers.resync(), POLL_SECONDS * 1000);
  }

  function stopPolling(): void {
    window.clearInterval(pollTimer);
    pollTimer = undefined;
  }

  const stream = createEventStream({
    url: '/api/market-data/events',
    token: readToken,
    onEvent(name, data) {
      if (name === 'ready') {
        if (!(data as { resumed?: boolean }).resumed) void handlers.resync();
      } else if (name === 'log') {
        handlers.onLog(data as TaskLog);
      } else if (name.startsWith('task-')) {
        handlers.onTask(data as Task);
      }
    },
    onState(state) {
      if (state === 'live') {
        stopPolling();
        handlers.onState('live');
      } else if (state === 'failed') {
        startPolling();
      } else if (pollTimer === undefined) {
        handlers.onState('connecting');
      }
    },
    onUnauthorized() {
      stopPolling();
      handlers.onUnauthorized();
    },
  });

  return {
    start() {
      stream.start();
    },
    stop() {
      stream.stop();
      stopPolling();
      handlers.onState('off');
    },
  };
}
