import type { createApiClient } from '../integration/apiClient';

type ApiClient = ReturnType<typeof createApiClient>;

/** How the server sees the newest tasks: one line per task, then the newest task's last log lines. */
async function describeTasks(api: ApiClient, token: string): Promise<string> {
  const tasks = (await api.call('GET', '/api/market-data/tasks?limit=3', { token })).json.tasks as {
    task_id: string;
    status: string;
    stage: string | null;
    progress: number;
    message: string | null;
    error: string | null;
  }[];
  const lines = tasks.map(
    (task) =>
      `task ${task.task_id.slice(0, 8)} ${task.status} stage=${task.stage} progress=${task.progress} ` +
      `message=${JSON.stringify(task.message)} error=${JSON.stringify(task.error)}`,
  );
  const newest = tasks[0];
  if (newest !== undefined) {
    const logs = (await api.call('GET', `/api/market-data/tasks/${newest.task_id}/logs?limit=1000`, { token })).json
      .logs as { timestamp: string; level: string; stage: string | null; message: string }[];
    for (const log of logs.slice(-15)) lines.push(`  ${log.timestamp} ${log.level} [${log.stage}] ${log.message}`);
  }
  return lines.join('\n');
}

const text = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Awaits one step of a browser scenario; when it fails, the error names the step and adds how the server saw the
 * newest tasks at that moment, so a failure on CI can be read without running it again.
 */
export async function explained<T>(what: string, step: () => Promise<T>, api: ApiClient, token: string): Promise<T> {
  try {
    return await step();
  } catch (error) {
    const state = await describeTasks(api, token).catch((reason: unknown) => `the API did not answer: ${text(reason)}`);
    const message = text(error);
    throw new Error(`${what}: ${message}\nThe server's view then:\n${state}`, { cause: error });
  }
}
