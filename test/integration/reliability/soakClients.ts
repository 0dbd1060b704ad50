import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { createApiClient } from '../apiClient';
import { openEventStream } from '../sseClient';

export interface Poll {
  /** Index of the task being watched when the poll was sent. */
  readonly task: number;
  readonly ms: number;
  readonly status: number;
}

export interface WatchedTask {
  readonly index: number;
  readonly id: string;
}

/**
 * Clients that poll the current task as a dashboard would: each asks for the task every 25 ms, and now and then
 * for the list and the task's log. Every GET /tasks/{id} is timed. `stop` ends them.
 */
export function startPollingClients(
  api: ReturnType<typeof createApiClient>,
  token: string,
  count: number,
  current: () => WatchedTask | null,
) {
  const polls: Poll[] = [];
  const others: number[] = [];
  let stopped = false;
  const clients = Array.from({ length: count }, async (_, client) => {
    for (let round = 0; !stopped; round += 1) {
      const watched = current();
      if (watched !== null) {
        const started = performance.now();
        const answer = await api.call('GET', `/api/market-data/tasks/${watched.id}`, { token });
        polls.push({ task: watched.index, ms: performance.now() - started, status: answer.status });
        if ((round + client) % 5 === 0) {
          others.push((await api.call('GET', '/api/market-data/tasks?limit=20', { token })).status);
          others.push((await api.call('GET', `/api/market-data/tasks/${watched.id}/logs`, { token })).status);
        }
      }
      await sleep(25);
    }
  });
  return {
    polls,
    /** Statuses of the list and log reads. */
    others,
    async stop(): Promise<void> {
      stopped = true;
      await Promise.all(clients);
    },
  };
}

/**
 * One client on the event stream, reconnecting with Last-Event-ID whenever the server ends a stream (every 120 s).
 * Collects the ids of tasks it was told succeeded: every task event carries the whole task (an upsert), and a task
 * made and finished between two reads of the tables arrives as `task-created` already successful.
 */
export function startEventStreamClient(baseUrl: string, token: string) {
  const succeeded = new Set<string>();
  const statuses: number[] = [];
  let stopped = false;
  const running = (async () => {
    let lastEventId: string | undefined;
    while (!stopped) {
      const stream = await openEventStream(baseUrl, token, lastEventId);
      statuses.push(stream.status);
      if (stream.status !== 200) return;
      for (;;) {
        const ended = await Promise.race([stream.ended.then(() => true), sleep(200).then(() => false)]);
        for (const event of stream.events.splice(0)) {
          lastEventId = event.lastEventId ?? lastEventId;
          if (!event.event.startsWith('task-')) continue;
          const task = JSON.parse(event.data) as { task_id: string; status: string };
          if (task.status === 'success') succeeded.add(task.task_id);
        }
        if (ended || stopped) break;
      }
      stream.close();
    }
  })();
  return {
    succeeded,
    /** The status of every stream opened. */
    statuses,
    async stop(): Promise<void> {
      stopped = true;
      await running;
    },
  };
}
