import Database from 'better-sqlite3';
import { setTimeout as delay } from 'node:timers/promises';
import type { createBenchApi } from './benchApi';

export interface TaskLoop {
  /** The task running now (or the last one, between two tasks). */
  currentTaskId(): string;
  /** The stages seen (sampled every 100 ms) since `since` (a `Date.now()` value). */
  stagesSince(since: number): string[];
  /** Lets the running task finish, starts no other, and reports how every task ended. */
  stop(): Promise<{ ended: Record<string, number>; failures: string[] }>;
}

/**
 * Keeps a `download` task running back to back (each one downloads, unzips and analyses the whole bundle again, as
 * the bench's file server never answers 304) until stopped. It watches the tasks in the database, read-only, rather
 * than through the API, so watching adds no load to what is measured.
 */
export async function startTaskLoop(api: ReturnType<typeof createBenchApi>, dbPath: string): Promise<TaskLoop> {
  let current = (await api.submit('download')).task_id;
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  const read = db.prepare('SELECT status, stage, error FROM market_data_tasks WHERE task_id = ?');
  const seen: [number, string][] = [];
  const ended: Record<string, number> = {};
  const failures: string[] = [];
  let stopping = false;
  const loop = (async () => {
    for (;;) {
      const row = read.get(current) as { status: string; stage: string | null; error: string | null } | undefined;
      const status = row?.status ?? 'missing';
      if (status === 'pending' || status === 'running') {
        seen.push([Date.now(), row?.stage ?? status]);
        await delay(100);
        continue;
      }
      ended[status] = (ended[status] ?? 0) + 1;
      if (status !== 'success') failures.push(`${current}: ${status} ${row?.error ?? ''}`);
      if (stopping) return;
      current = (await api.submit('download')).task_id;
    }
  })();
  return {
    currentTaskId: () => current,
    stagesSince: (since) => [...new Set(seen.filter(([at]) => at >= since).map(([, stage]) => stage))],
    async stop() {
      stopping = true;
      await loop.finally(() => db.close());
      return { ended, failures };
    },
  };
}
