import type { TaskChangeFeed } from '../../tasks/taskChangeFeed';
import type { Task, TaskLog } from '../../tasks/taskTypes';
import { encodeEventCursor, type EventCursor } from './eventCursor';

export interface EventStreamTiming {
  /** How often the tables are read for changes, in ms. */
  readonly pollMs: number;
  /** Silence after which a comment line is sent so proxies keep the connection open, in ms. */
  readonly heartbeatMs: number;
  /** The stream ends after this long and the client resumes with Last-Event-ID (Azure's front end cuts at ~230 s). */
  readonly maxDurationMs: number;
  /** The `retry:` hint: how long a client waits before reconnecting after an error, in ms. */
  readonly retryMs: number;
  /**
   * Task timestamps are written by other processes, and a row becomes visible only when its transaction commits, so
   * "touched since T" looks back this much further than T. It may repeat a state; it never skips one.
   */
  readonly lookBackMs: number;
}

const DEFAULT_EVENT_STREAM_TIMING: EventStreamTiming = {
  pollMs: 500,
  heartbeatMs: 15_000,
  maxDurationMs: 120_000,
  retryMs: 2_000,
  lookBackMs: 60_000,
};

export interface TaskEventStreamOptions {
  readonly feed: TaskChangeFeed;
  /** From Last-Event-ID; null starts at the newest log line and the current time. */
  readonly resumeFrom: EventCursor | null;
  /** The stream ends by then at the latest (ms since the epoch), e.g. when the caller's token expires. */
  readonly endBy?: number;
  readonly timing?: Partial<EventStreamTiming>;
  readonly clock?: () => number;
  /** Waits `ms` or until `signal` aborts; injected by tests to run the stream on a fake clock. */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Told when reading the tables fails; the stream then ends normally and the client reconnects. */
  readonly onError?: (error: unknown) => void;
}

/** SSE event names; task events carry the whole task (apply them as upserts), `log` events one log line. */
export const TaskEventName = {
  Ready: 'ready',
  TaskCreated: 'task-created',
  TaskStatus: 'task-status',
  TaskStage: 'task-stage',
  TaskProgress: 'task-progress',
  Log: 'log',
} as const;
export type TaskEventName = (typeof TaskEventName)[keyof typeof TaskEventName];

const LOG_BATCH = 500;
const encoder = new TextEncoder();

/**
 * A server-sent event stream of task changes, derived by polling the task tables. Each event's id is the cursor
 * after it. A stream resumed from a cursor delivers every log line after the cursor's line, in order, and the
 * current state of every task that was active, created or finished after the cursor's time.
 */
export function createTaskEventStream(options: TaskEventStreamOptions): ReadableStream<Uint8Array> {
  const timing = { ...DEFAULT_EVENT_STREAM_TIMING, ...options.timing };
  const clock = options.clock ?? Date.now;
  const sleep = options.sleep ?? sleepUnlessAborted;
  const { feed } = options;
  const aborted = new AbortController();
  const startedAt = clock();
  const endAt = Math.min(startedAt + timing.maxDurationMs, options.endBy ?? Number.POSITIVE_INFINITY);
  /** What this stream last sent per task, to send only changes. */
  const sent = new Map<string, Task>();
  /** Null until the stream has started (the first read names where a fresh stream begins). */
  let cursor: EventCursor | null = null;
  let lastWriteAt = startedAt;
  let hurry = false;

  function start(from: EventCursor): string {
    const ready = formatEvent(TaskEventName.Ready, from, { resumed: options.resumeFrom !== null });
    return `retry: ${timing.retryMs}\n: market-data task events\n\n${ready}`;
  }

  /** One read of both tables; returns the events it found (empty string when nothing changed). */
  function poll(from: EventCursor): { text: string; next: EventCursor } {
    const pollTime = clock();
    const since = new Date(from.taskTimeMs - timing.lookBackMs).toISOString();
    const changed = feed.listTasksTouchedSince(since).filter((task) => differs(sent.get(task.task_id), task));
    const logs = feed.listLogsAfter(from.logId, LOG_BATCH);
    hurry = logs.length === LOG_BATCH;
    let text = '';
    changed.forEach((task, index) => {
      // The time advances only with the last task of this read: a client cut off earlier resumes before it.
      const at = index === changed.length - 1 ? pollTime : from.taskTimeMs;
      text += formatEvent(nameFor(sent.get(task.task_id), task, since), { logId: from.logId, taskTimeMs: at }, task);
      sent.set(task.task_id, task);
    });
    for (const log of logs) text += formatEvent(TaskEventName.Log, { logId: log.id, taskTimeMs: pollTime }, log);
    return { text, next: { logId: logs.at(-1)?.id ?? from.logId, taskTimeMs: pollTime } };
  }

  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          if (cursor === null) {
            cursor = options.resumeFrom ?? { logId: feed.lastLogId(), taskTimeMs: startedAt };
            controller.enqueue(encoder.encode(start(cursor)));
            return;
          }
          for (;;) {
            const now = clock();
            if (aborted.signal.aborted) return;
            if (now >= endAt) {
              controller.close();
              return;
            }
            const { text, next } = poll(cursor);
            cursor = next;
            if (text !== '') {
              lastWriteAt = now;
              controller.enqueue(encoder.encode(text));
              return;
            }
            if (now - lastWriteAt >= timing.heartbeatMs) {
              lastWriteAt = now;
              controller.enqueue(encoder.encode(': heartbeat\n\n'));
              return;
            }
            if (!hurry) await sleep(Math.max(0, Math.min(timing.pollMs, endAt - now)), aborted.signal);
          }
        } catch (error) {
          options.onError?.(error);
          aborted.abort();
          controller.close();
        }
      },
      cancel() {
        // The client went away: stop reading the tables.
        aborted.abort();
      },
    },
    { highWaterMark: 0 },
  );
}

function formatEvent(name: TaskEventName, cursor: EventCursor, data: Task | TaskLog | object): string {
  // JSON.stringify escapes line breaks inside strings, so the data is always one `data:` line.
  return `event: ${name}\nid: ${encodeEventCursor(cursor)}\ndata: ${JSON.stringify(data)}\n\n`;
}

function differs(before: Task | undefined, after: Task): boolean {
  if (before === undefined) return true;
  return (
    before.status !== after.status ||
    before.progress !== after.progress ||
    before.stage !== after.stage ||
    before.message !== after.message ||
    before.error !== after.error ||
    before.started_at !== after.started_at ||
    before.finished_at !== after.finished_at
  );
}

/** The most significant change since this stream last sent the task; a task new to the stream is "created" if recent. */
function nameFor(before: Task | undefined, after: Task, since: string): TaskEventName {
  if (before === undefined) return after.created_at >= since ? TaskEventName.TaskCreated : TaskEventName.TaskStatus;
  if (before.status !== after.status) return TaskEventName.TaskStatus;
  if (before.stage !== after.stage) return TaskEventName.TaskStage;
  return TaskEventName.TaskProgress;
}

function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve();
      return;
    }
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done);
  });
}
