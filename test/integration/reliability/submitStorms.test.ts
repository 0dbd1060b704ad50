import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintToken } from '../../../src/auth';
import { startAppHost, type AppHost } from '../appHost';
import { createApiClient, makeBundle, TEST_SECRET, tokenFor, type ApiResponse } from '../apiClient';
import { startBundleServer, type BundleServer } from '../bundleServer';
import { databasePaths, openTaskDbProbe, type TaskDbProbe } from './taskDbProbe';

const TASKS = '/api/market-data/tasks';
const STORM = 200;
const BUSY = '已有任务正在运行，请等待完成后再试';

interface StormResult {
  readonly responses: ApiResponse[];
  /** The most tasks seen holding the mutex at once while the storm lasted (sampled from the table). */
  readonly maxActive: number;
}

describe('submit storms: 200 concurrent submits from several callers, one task at a time (devhost)', () => {
  let dir: string;
  let server: BundleServer;
  let host: AppHost;
  let api: ReturnType<typeof createApiClient>;
  let probe: TaskDbProbe;
  let reader: string;
  let callers: string[];

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'mdt-storms-'));
    server = await startBundleServer({ filePath: makeBundle(dir, 300, 250), acceptRanges: true });
    const dataDir = path.join(dir, 'data');
    host = await startAppHost({ dataDir, env: { AUTH_JWT_SECRET: TEST_SECRET, MARKET_DATA_BUNDLE_URL: server.url } });
    api = createApiClient(host.url);
    reader = await tokenFor([]);
    // Several callers: four writers and an administrator, each with its own subject.
    callers = await Promise.all(
      ['writer-1', 'writer-2', 'writer-3', 'writer-4', 'admin'].map((subject) =>
        mintToken({
          secret: TEST_SECRET,
          subject,
          roles: [subject === 'admin' ? 'MarketData.Admin' : 'MarketData.Write'],
          ttlSeconds: 3600,
        }),
      ),
    );
    const first = await api.call('POST', TASKS, { token: callers[0], body: { task_type: 'download' } });
    expect((await api.waitForEnd(first.json.task_id as string, reader)).task.status).toBe('success');
    probe = openTaskDbProbe(databasePaths(dataDir).tasks);
  }, 120_000);

  afterAll(async () => {
    probe?.close();
    await host?.stop();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Fires every request at once while sampling the mutex from the task table until all have answered. */
  async function storm(send: (index: number, token: string) => Promise<ApiResponse>): Promise<StormResult> {
    let maxActive = probe.activeCount();
    let done = false;
    const sampler = (async () => {
      while (!done) {
        maxActive = Math.max(maxActive, probe.activeCount());
        await sleep(2);
      }
    })();
    const responses = await Promise.all(
      Array.from({ length: STORM }, (_, index) => send(index, callers[index % callers.length]!)),
    ).finally(() => {
      done = true;
    });
    await sampler;
    return { responses, maxActive: Math.max(maxActive, probe.activeCount()) };
  }

  const mixedSubmit = (index: number, token: string) =>
    api.call('POST', TASKS, { token, body: { task_type: index % 2 === 0 ? 'download' : 'analyze' } });

  /**
   * The storm's outcome as a client and the table see it: no 5xx; every answer a 202 or a 409 with the story's
   * message naming an active task; the accepted tasks ran one after another (each was created only once the one
   * before it had finished) and all succeeded; never two active tasks in the samples. Returns the accepted ids.
   */
  async function expectOneAtATime({ responses, maxActive }: StormResult, finishing?: string): Promise<string[]> {
    const statuses = responses.map((response) => response.status);
    expect(
      statuses.filter((status) => status !== 202 && status !== 409),
      'answers other than 202 and 409',
    ).toEqual([]);
    const accepted = responses.filter((response) => response.status === 202).map((r) => r.json.task_id as string);
    expect(accepted.length, 'accepted').toBeGreaterThanOrEqual(1);
    const known = new Set([...accepted, ...(finishing === undefined ? [] : [finishing])]);
    for (const loser of responses.filter((response) => response.status === 409)) {
      expect(loser.json).toMatchObject({ code: 'TASK_RUNNING', error: BUSY });
      expect(known, 'the active task a loser is shown').toContain(loser.json.active_task?.task_id);
    }
    expect(maxActive, 'tasks active at once').toBeLessThanOrEqual(1);
    const ended = [];
    for (const id of accepted) ended.push((await api.waitForEnd(id, reader)).task);
    expect(ended.map((task) => `${task.status as string} ${task.error as string}`)).toEqual(
      ended.map(() => 'success null'),
    );
    ended.sort((a, b) => String(a.created_at).localeCompare(String(b.created_at)));
    for (let i = 1; i < ended.length; i += 1) {
      expect(ended[i]!.created_at >= ended[i - 1]!.finished_at, 'created only after the one before finished').toBe(
        true,
      );
    }
    return accepted;
  }

  /** Polls the task table every millisecond and resolves as soon as the task has left the running state. */
  async function momentTaskFinishes(taskId: string): Promise<void> {
    const deadline = Date.now() + 60_000;
    while (['pending', 'running'].includes(probe.task(taskId)?.status ?? 'pending')) {
      if (Date.now() > deadline) throw new Error(`task ${taskId} did not finish`);
      await sleep(1);
    }
  }

  it('the mutex is the partial unique index over pending and running tasks', () => {
    const db = new Database(databasePaths(path.join(dir, 'data')).tasks, { readonly: true });
    try {
      const index = db
        .prepare(
          `SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'market_data_tasks' AND sql LIKE '%UNIQUE%'`,
        )
        .all() as { sql: string }[];
      expect(index.map((row) => row.sql)).toEqual([
        expect.stringMatching(
          /UNIQUE INDEX \w+ ON market_data_tasks \(\(1\)\) WHERE status IN \('pending', 'running'\)/,
        ),
      ]);
    } finally {
      db.close();
    }
  });

  it('on an idle service: tasks are accepted one at a time, every other caller gets 409 with the active task', async () => {
    const accepted = await expectOneAtATime(await storm(mixedSubmit));
    console.log(`idle storm: ${accepted.length} accepted one after another, ${STORM - accepted.length} refused`);
  });

  it('at the moment a task finishes, twice: never two active tasks, every loser gets 409 naming the active one', async () => {
    for (let round = 0; round < 2; round += 1) {
      const running = await api.call('POST', TASKS, { token: callers[1], body: { task_type: 'analyze' } });
      expect(running.status).toBe(202);
      await momentTaskFinishes(running.json.task_id as string);
      await expectOneAtATime(await storm(mixedSubmit), running.json.task_id as string);
    }
  });

  it('at the moment a retry is requested, twice: retries and new submits race, never two active tasks', async () => {
    for (let round = 0; round < 2; round += 1) {
      server.setFailure(404);
      const doomed = await api.call('POST', TASKS, { token: callers[2], body: { task_type: 'download' } });
      const { task: failed } = await api.waitForEnd(doomed.json.task_id as string, reader);
      expect(failed.status).toBe('failed');
      server.setFailure(undefined);
      const retryOrSubmit = (index: number, token: string) =>
        index % 2 === 0
          ? api.call('POST', `${TASKS}/${failed.task_id as string}/retry`, { token })
          : mixedSubmit((index - 1) / 2, token);
      await expectOneAtATime(await storm(retryOrSubmit));
    }
  });
});
