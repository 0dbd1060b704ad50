import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pollUntil, startAppHost, type AppHost } from './appHost';
import { createApiClient, makeBundle, TEST_SECRET, tokenFor } from './apiClient';
import { startBundleServer, type BundleServer } from './bundleServer';

const TASK_FIELDS = [
  'task_id',
  'task_type',
  'status',
  'source',
  'progress',
  'stage',
  'message',
  'error',
  'created_at',
  'started_at',
  'finished_at',
  'retry_of',
].sort();
const MUTEX_MESSAGE = '已有任务正在运行，请等待完成后再试';
const TASKS = '/api/market-data/tasks';

function expectNeverDecreasing(values: number[]): void {
  for (let i = 1; i < values.length; i += 1) expect(values[i]!).toBeGreaterThanOrEqual(values[i - 1]!);
}

describe('the story test cases, end to end on the devhost', () => {
  let dir: string;
  let host: AppHost;
  let server: BundleServer;
  let api: ReturnType<typeof createApiClient>;
  let writer: string;
  let reader: string;
  /** The first download, which ran every stage. */
  let fullDownloadId: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'mdt-story-'));
    const bundle = makeBundle(dir, 100, 250);
    server = await startBundleServer({ filePath: bundle, acceptRanges: true });
    host = await startAppHost({
      dataDir: path.join(dir, 'data'),
      env: { AUTH_JWT_SECRET: TEST_SECRET, MARKET_DATA_BUNDLE_URL: server.url },
    });
    api = createApiClient(host.url);
    writer = await tokenFor(['MarketData.Write']);
    reader = await tokenFor([]);
  });

  afterAll(async () => {
    await host?.stop();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('TC-MUTEX-001, -002 and TC-PROGRESS-001: one of 20 concurrent submits wins; a click while it downloads is refused; progress only rises', async () => {
    server.setRate(64 * 1024);
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => api.call('POST', TASKS, { token: writer, body: { task_type: 'download' } })),
    );
    const accepted = responses.filter((r) => r.status === 202);
    const refused = responses.filter((r) => r.status === 409);
    expect(accepted).toHaveLength(1);
    expect(refused).toHaveLength(19);
    const winner = accepted[0]!.json;
    fullDownloadId = winner.task_id as string;
    for (const r of refused) {
      expect(r.json).toMatchObject({ code: 'TASK_RUNNING', error: MUTEX_MESSAGE });
      expect(r.json.active_task.task_id).toBe(winner.task_id);
    }
    expect(accepted[0]!.headers.get('location')).toBe(`${host.url}${TASKS}/${winner.task_id}`);
    expect(Object.keys(winner).sort()).toEqual(TASK_FIELDS);
    expect(winner).toMatchObject({ status: 'pending', task_type: 'download', source: 'manual', progress: 0 });

    // TC-MUTEX-002: while it downloads, another click is refused.
    const again = await api.call('POST', TASKS, { token: writer, body: { task_type: 'analyze' } });
    expect(again.status).toBe(409);
    expect(again.json.error).toBe(MUTEX_MESSAGE);

    // TC-PROGRESS-001: polled progress never decreases and ends at exactly 100.
    server.setRate(256 * 1024);
    const { task, seen } = await api.waitForEnd(winner.task_id as string, reader, 120_000);
    expect(task.status).toBe('success');
    expect(task.progress).toBe(100);
    expectNeverDecreasing(seen);
    expect(new Set(seen).size).toBeGreaterThan(3);
    server.setRate(undefined);
  });

  it('TC-MUTEX-003 and TC-PROGRESS-003: an analysis in progress refuses a download; its progress only rises', async () => {
    const submitted = await api.call('POST', TASKS, { token: writer, body: { task_type: 'analyze' } });
    expect(submitted.status).toBe(202);
    const refused = await api.call('POST', TASKS, { token: writer, body: { task_type: 'download' } });
    expect(refused.status).toBe(409);
    expect(refused.json.active_task.task_type).toBe('analyze');
    const { task, seen } = await api.waitForEnd(submitted.json.task_id as string, reader);
    expect(task).toMatchObject({ status: 'success', progress: 100, stage: 'analyze' });
    expectNeverDecreasing(seen);
  });

  it('TC-MUTEX-004: once the task has finished, a new one is accepted', async () => {
    const next = await api.call('POST', TASKS, { token: writer, body: { task_type: 'analyze' } });
    expect(next.status).toBe(202);
    const { task } = await api.waitForEnd(next.json.task_id as string, reader);
    expect(task.status).toBe('success');
  });

  it('TC-API-005: GET a task returns exactly the story fields with UTC timestamps', async () => {
    const list = await api.call('GET', `${TASKS}?limit=1`, { token: reader });
    expect(list.status).toBe(200);
    const id = list.json.tasks[0].task_id as string;
    const response = await api.call('GET', `${TASKS}/${id}`, { token: reader });
    expect(response.status).toBe(200);
    expect(Object.keys(response.json).sort()).toEqual(TASK_FIELDS);
    for (const key of ['created_at', 'started_at', 'finished_at']) {
      expect(response.json[key]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
    }
  });

  it('TC-API-006: an unknown task is 404 任务不存在, also for ids that are not UUIDs', async () => {
    for (const id of ['0b7f3e4c-0e0f-4e6a-9d6c-7a4d3c2b1a00', 'not-a-uuid', '123']) {
      const response = await api.call('GET', `${TASKS}/${id}`, { token: reader });
      expect(response.status).toBe(404);
      expect(response.json).toEqual({ error: '任务不存在', code: 'TASK_NOT_FOUND' });
    }
  });

  it('TC-API-006: UUIDs of another version (nil, v1) are unknown tasks on every task route, not bad requests', async () => {
    for (const id of ['00000000-0000-0000-0000-000000000000', '0b7f3e4c-0e0f-1e6a-9d6c-7a4d3c2b1a00']) {
      for (const [method, suffix, token] of [
        ['GET', '', reader],
        ['GET', '/logs', reader],
        ['POST', '/cancel', writer],
        ['POST', '/retry', writer],
      ] as const) {
        const response = await api.call(method, `${TASKS}/${id}${suffix}`, { token });
        expect(response.status, `${method} ${id}${suffix}`).toBe(404);
        expect(response.json).toEqual({ error: '任务不存在', code: 'TASK_NOT_FOUND' });
      }
    }
  });

  it('TC-FAIL-005: a failed task can be retried; the retry records what it retries and succeeds', async () => {
    server.setFailure(404);
    const failing = await api.call('POST', TASKS, { token: writer, body: { task_type: 'download' } });
    expect(failing.status).toBe(202);
    const { task: failed } = await api.waitForEnd(failing.json.task_id as string, reader);
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/HTTP 404/);

    server.setFailure(undefined);
    const retried = await api.call('POST', `${TASKS}/${failed.task_id}/retry`, { token: writer });
    expect(retried.status).toBe(202);
    expect(retried.json).toMatchObject({
      task_type: 'download',
      source: 'retry',
      retry_of: failed.task_id,
      status: 'pending',
    });
    const { task } = await api.waitForEnd(retried.json.task_id as string, reader);
    expect(task.status).toBe('success');
  });

  it('a passing server error is retried automatically and the task still succeeds', async () => {
    server.setFailure(503);
    const submitted = await api.call('POST', TASKS, { token: writer, body: { task_type: 'download' } });
    expect(submitted.status).toBe(202);
    const id = submitted.json.task_id as string;
    await pollUntil(
      async () => {
        const logs = await api.call('GET', `${TASKS}/${id}/logs?level=WARNING`, { token: reader });
        return logs.json.logs.some((l: { message: string }) => /HTTP 503.*retried automatically/.test(l.message))
          ? true
          : undefined;
      },
      { what: 'the first attempt to fail with 503' },
    );
    server.setFailure(undefined);
    const { task } = await api.waitForEnd(id, reader);
    expect(task.status).toBe('success');
  });

  it('TC-FAIL-006: only a failed task can be retried', async () => {
    const list = await api.call('GET', `${TASKS}?status=success&limit=1`, { token: reader });
    const succeeded = list.json.tasks[0];
    const response = await api.call('POST', `${TASKS}/${succeeded.task_id}/retry`, { token: writer });
    expect(response.status).toBe(400);
    expect(response.json).toMatchObject({ code: 'NOT_RETRYABLE', error: '只能重试失败的任务' });
    const unknown = await api.call('POST', `${TASKS}/0b7f3e4c-0e0f-4e6a-9d6c-7a4d3c2b1a00/retry`, { token: writer });
    expect(unknown.status).toBe(404);
  });

  it('lists tasks newest first with filters and a cursor, and reports the installed bundle', async () => {
    const first = await api.call('GET', `${TASKS}?limit=2`, { token: reader });
    expect(first.status).toBe(200);
    expect(first.json.tasks).toHaveLength(2);
    expect(first.json.next_before).toEqual(expect.any(String));
    const second = await api.call('GET', `${TASKS}?limit=2&before=${first.json.next_before as string}`, {
      token: reader,
    });
    const ids = [...first.json.tasks, ...second.json.tasks].map((t: { task_id: string }) => t.task_id);
    expect(new Set(ids).size).toBe(ids.length);
    const created = [...first.json.tasks, ...second.json.tasks].map((t: { created_at: string }) => t.created_at);
    expect([...created].sort().reverse()).toEqual(created);
    const failedOnly = await api.call('GET', `${TASKS}?status=failed`, { token: reader });
    expect(failedOnly.json.tasks.every((t: { status: string }) => t.status === 'failed')).toBe(true);

    const bundle = await api.call('GET', '/api/market-data/bundle', { token: reader });
    expect(bundle.status).toBe(200);
    expect(bundle.json.totals.symbol_count).toBe(100);
    expect(bundle.json.checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(bundle.json.analysis_matches_bundle).toBe(true);
    const symbols = await api.call('GET', '/api/market-data/bundle/symbols?limit=5&sort=-rows_written', {
      token: reader,
    });
    expect(symbols.status).toBe(200);
    expect(symbols.json.symbols).toHaveLength(5);
    expect(symbols.json.total).toBe(100);
  });

  it('a task’s logs page by id and filter by level', async () => {
    const id = fullDownloadId;
    const all = await api.call('GET', `${TASKS}/${id}/logs`, { token: reader });
    expect(all.status).toBe(200);
    expect(all.json.logs.length).toBeGreaterThan(2);
    const stages = new Set(all.json.logs.map((l: { stage: string | null }) => l.stage));
    expect(stages).toEqual(new Set([null, 'download', 'unzip', 'diff', 'analyze']));
    const after = all.json.logs[1].id as number;
    const page = await api.call('GET', `${TASKS}/${id}/logs?after=${after}&limit=1`, { token: reader });
    expect(page.json.logs).toHaveLength(1);
    expect(page.json.logs[0].id).toBeGreaterThan(after);
    expect(page.json.next_after).toBe(page.json.logs[0].id);
    const errorsOnly = await api.call('GET', `${TASKS}/${id}/logs?level=ERROR`, { token: reader });
    expect(errorsOnly.json.logs).toEqual([]);
  });
});
