import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pollUntil, startAppHost } from './appHost';
import { createApiClient, makeBundle, TEST_SECRET, tokenFor } from './apiClient';
import { startBundleServer, type BundleServer } from './bundleServer';
import { createZipWriter } from '../../scripts/zip/createZipWriter';

const TASKS = '/api/market-data/tasks';

describe('scheduled runs, crashes and reconciliation, end to end on the devhost', () => {
  let dir: string;
  let server: BundleServer;
  let writer: string;
  let reader: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'mdt-crash-'));
    server = await startBundleServer({ filePath: makeBundle(dir, 60, 200), acceptRanges: true });
    [writer, reader] = await Promise.all([tokenFor(['MarketData.Write']), tokenFor([])]);
  });

  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function hostEnv(extra: Record<string, string> = {}): Record<string, string> {
    return { AUTH_JWT_SECRET: TEST_SECRET, MARKET_DATA_BUNDLE_URL: server.url, ...extra };
  }

  it('the timer submits a scheduled download, and a tick while it is active is skipped visibly', async () => {
    server.setRate(24 * 1024);
    const host = await startAppHost({
      dataDir: path.join(dir, 'timer'),
      env: hostEnv({ MARKET_DATA_SCHEDULE: '*/2 * * * * *' }),
    });
    try {
      const api = createApiClient(host.url);
      const scheduled = await pollUntil(
        async () => {
          const list = await api.call('GET', `${TASKS}?source=schedule`, { token: reader });
          return list.json.tasks[0] as { task_id: string } | undefined;
        },
        { what: 'a scheduled task' },
      );
      await pollUntil(
        async () => {
          const logs = await api.call('GET', `${TASKS}/${scheduled.task_id}/logs`, { token: reader });
          const skipped = logs.json.logs.some((l: { message: string }) => /Scheduled download skipped/.test(l.message));
          return skipped ? true : undefined;
        },
        { what: 'a skipped tick logged on the active task' },
      );
      server.setRate(undefined);
      const { task } = await api.waitForEnd(scheduled.task_id, reader);
      expect(task).toMatchObject({ status: 'success', source: 'schedule', task_type: 'download' });
    } finally {
      await host.stop();
      server.setRate(undefined);
    }
  });

  it('SIGKILL during a download: after a restart the same task resumes the download and succeeds', async () => {
    const dataDir = path.join(dir, 'crash');
    server.setRate(16 * 1024);
    const rangeGetsBefore = server.stats.rangeGets;
    let host = await startAppHost({ dataDir, env: hostEnv() });
    let api = createApiClient(host.url);
    const submitted = await api.call('POST', TASKS, { token: writer, body: { task_type: 'download' } });
    expect(submitted.status).toBe(202);
    const id = submitted.json.task_id as string;
    await pollUntil(
      async () => {
        const task = await api.call('GET', `${TASKS}/${id}`, { token: reader });
        return task.json.progress >= 5 ? true : undefined;
      },
      { what: 'the download to get going' },
    );
    await host.kill();

    server.setRate(undefined);
    host = await startAppHost({ dataDir, env: hostEnv() });
    try {
      api = createApiClient(host.url);
      const { task, seen } = await api.waitForEnd(id, reader);
      expect(task.status).toBe('success');
      expect(task.progress).toBe(100);
      for (let i = 1; i < seen.length; i += 1) expect(seen[i]!).toBeGreaterThanOrEqual(seen[i - 1]!);
      expect(server.stats.rangeGets).toBeGreaterThan(rangeGetsBefore);
      const next = await api.call('POST', TASKS, { token: writer, body: { task_type: 'analyze' } });
      expect(next.status).toBe(202);
      await api.waitForEnd(next.json.task_id as string, reader);
    } finally {
      await host.stop();
    }
  });

  it('a retried download of an installed bundle that never passed analysis analyses it again instead of succeeding', async () => {
    // Passes the install check (headers and rows are fine) but not the analysis: one symbol appears in two
    // long-form files whose columns are in a different order.
    const archive = path.join(dir, 'unanalysable.zip');
    const zip = createZipWriter(archive);
    await zip.addFile('part1.csv', 'symbol,date,open,high,low,close,volume\n600000.SH,2024-01-02,1,1,1,1,10\n');
    await zip.addFile('part2.csv', 'date,symbol,open,high,low,close,volume\n2024-01-03,600000.SH,1,1,1,1,10\n');
    await zip.close();
    const host = await startAppHost({
      dataDir: path.join(dir, 'unanalysed'),
      env: hostEnv({ MARKET_DATA_BUNDLE_URL: pathToFileURL(archive).href }),
    });
    try {
      const api = createApiClient(host.url);
      const submitted = await api.call('POST', TASKS, { token: writer, body: { task_type: 'download' } });
      const { task: first } = await api.waitForEnd(submitted.json.task_id as string, reader);
      expect(first).toMatchObject({ status: 'failed', stage: 'analyze' });

      // The archive is installed and unchanged, so nothing is downloaded; the analysis must still run (and fail).
      const retried = await api.call('POST', `${TASKS}/${first.task_id as string}/retry`, { token: writer });
      expect(retried.status).toBe(202);
      const { task: second } = await api.waitForEnd(retried.json.task_id as string, reader);
      expect(second).toMatchObject({ status: 'failed', stage: 'analyze', error: first.error });
    } finally {
      await host.stop();
    }
  });

  it('a task whose orchestration was lost is failed with a reason, so the mutex is never stuck', async () => {
    const dataDir = path.join(dir, 'lost');
    server.setRate(16 * 1024);
    let host = await startAppHost({ dataDir, env: hostEnv() });
    let api = createApiClient(host.url);
    const submitted = await api.call('POST', TASKS, { token: writer, body: { task_type: 'download' } });
    const id = submitted.json.task_id as string;
    await pollUntil(
      async () =>
        (await api.call('GET', `${TASKS}/${id}`, { token: reader })).json.status === 'running' ? true : undefined,
      { what: 'the task to run' },
    );
    await host.kill();
    // The durable store is gone (a wiped host); the task table still says running.
    rmSync(path.join(dataDir, 'devhost'), { recursive: true, force: true });
    server.setRate(undefined);
    host = await startAppHost({ dataDir, env: hostEnv() });
    try {
      api = createApiClient(host.url);
      const task = await api.call('GET', `${TASKS}/${id}`, { token: reader });
      expect(task.json.status).toBe('failed');
      expect(task.json.error).toMatch(/abandoned/);
      const next = await api.call('POST', TASKS, { token: writer, body: { task_type: 'download' } });
      expect(next.status).toBe(202);
      const { task: finished } = await api.waitForEnd(next.json.task_id as string, reader);
      expect(finished.status).toBe('success');
    } finally {
      await host.stop();
    }
  });
});
