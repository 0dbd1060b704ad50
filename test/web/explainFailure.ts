import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
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

/** Whether the page still runs scripts, and what its current-task panel and live status say. */
async function describePage(page: Page): Promise<string> {
  const probe = page.evaluate(() => {
    const doc = (globalThis as any).document;
    const read = (selector: string): string => doc.querySelector(selector)?.textContent ?? '(none)';
    return `heading "${read('#current .task-heading')}", live status "${read('#live-status')}"`;
  });
  const answer = await Promise.race([probe, new Promise<null>((resolve) => setTimeout(resolve, 3_000, null))]);
  return answer === null ? 'the page ran no script within 3 s' : `the page shows ${answer}`;
}

export interface FailureContext {
  readonly api: ApiClient;
  /** A token that may read tasks and logs. */
  readonly token: string;
  readonly page: Page;
}

/**
 * Awaits one step of a browser scenario, for at most `timeoutMs` (a poll waits for each read it makes, so a read that
 * never answers would otherwise hang it until the test's own timeout, which says nothing). When the step fails, the
 * error names it and adds how the server saw the newest tasks and what the page showed, so a failure on CI can be read
 * without running it again.
 */
async function explained<T>(
  what: string,
  step: () => Promise<T>,
  context: FailureContext,
  timeoutMs: number,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`not done within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([step(), deadline]);
  } catch (error) {
    const server = await describeTasks(context.api, context.token).catch(
      (reason: unknown) => `the API did not answer: ${text(reason)}`,
    );
    const page = await describePage(context.page).catch((reason: unknown) => `the page: ${text(reason)}`);
    throw new Error(`${what}: ${text(error)}\nThe server's view then:\n${server}\nAnd ${page}.`, { cause: error });
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Polls a locator's text until it equals `expected`, for at most `timeoutMs`, each read giving up after 2 s; a failure
 * is explained as `explained` does.
 */
export function untilText(
  locator: Locator,
  expected: string,
  context: FailureContext,
  timeoutMs: number,
): Promise<void> {
  return explained(
    `the text to read ${expected}`,
    () => expect.poll(() => locator.textContent({ timeout: 2_000 }), { timeout: timeoutMs }).toBe(expected),
    context,
    timeoutMs + 2_000,
  );
}
