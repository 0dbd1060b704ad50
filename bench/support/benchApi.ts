import { setTimeout as delay } from 'node:timers/promises';

/** The task fields a bench looks at. */
export interface BenchTask {
  readonly task_id: string;
  readonly status: string;
  readonly stage: string | null;
  readonly progress: number;
  readonly error: string | null;
  readonly created_at: string;
  readonly started_at: string | null;
  readonly finished_at: string | null;
}

const ENDED = new Set(['success', 'failed', 'cancelled']);

/** A minimal client for the task API with one bearer token. */
export function createBenchApi(origin: string, token: string) {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  async function getTask(taskId: string): Promise<BenchTask> {
    const response = await fetch(`${origin}/api/market-data/tasks/${taskId}`, { headers });
    if (response.status !== 200) throw new Error(`GET task answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as BenchTask;
  }
  return {
    async submit(taskType: 'download' | 'analyze'): Promise<BenchTask> {
      const response = await fetch(`${origin}/api/market-data/tasks`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ task_type: taskType }),
      });
      if (response.status !== 202) throw new Error(`submit answered ${response.status}: ${await response.text()}`);
      return (await response.json()) as BenchTask;
    },
    getTask,
    /** Polls every `intervalMs` until the task ended (each answer goes to `onPoll`); gives up after `timeoutMs`. */
    async waitForEnd(
      taskId: string,
      { intervalMs = 50, timeoutMs = 15 * 60_000, onPoll = (_task: BenchTask): void => undefined } = {},
    ): Promise<BenchTask> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const task = await getTask(taskId);
        onPoll(task);
        if (ENDED.has(task.status)) return task;
        if (Date.now() > deadline) throw new Error(`task ${taskId} did not end within ${timeoutMs} ms`);
        await delay(intervalMs);
      }
    },
  };
}
