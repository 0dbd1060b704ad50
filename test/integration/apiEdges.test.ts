import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pollUntil, startAppHost, type AppHost } from './appHost';
import { createApiClient, makeBundle, TEST_SECRET, tokenFor } from './apiClient';
import { startBundleServer, type BundleServer } from './bundleServer';

const TASKS = '/api/market-data/tasks';

describe('auth, bad input, cancel and durable URLs, end to end on the devhost', () => {
  let dir: string;
  let dataDir: string;
  let host: AppHost;
  let server: BundleServer;
  let api: ReturnType<typeof createApiClient>;
  let writer: string;
  let admin: string;
  let reader: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'mdt-edges-'));
    dataDir = path.join(dir, 'data');
    server = await startBundleServer({ filePath: makeBundle(dir, 60, 200), acceptRanges: true });
    host = await startAppHost({
      dataDir,
      env: { AUTH_JWT_SECRET: TEST_SECRET, MARKET_DATA_BUNDLE_URL: server.url },
    });
    api = createApiClient(host.url);
    [writer, admin, reader] = await Promise.all([
      tokenFor(['MarketData.Write']),
      tokenFor(['MarketData.Admin']),
      tokenFor([]),
    ]);
  });

  afterAll(async () => {
    await host?.stop();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('health answers without a token', async () => {
    const health = await api.call('GET', '/api/market-data/health');
    expect(health.status).toBe(200);
    expect(health.json).toMatchObject({ status: 'ok', active_task_id: null });
  });

  it('an analyze task with no bundle installed fails with a clear error', async () => {
    const submitted = await api.call('POST', TASKS, { token: writer, body: { task_type: 'analyze' } });
    expect(submitted.status).toBe(202);
    const { task } = await api.waitForEnd(submitted.json.task_id as string, reader);
    expect(task.status).toBe('failed');
    expect(task.error).toMatch(/No bundle is installed/);
    const bundle = await api.call('GET', '/api/market-data/bundle', { token: reader });
    expect(bundle.status).toBe(404);
    expect(bundle.json.code).toBe('NO_BUNDLE');
  });

  it('refuses missing, malformed, expired, wrongly signed and unsigned tokens with 401 and a Bearer challenge', async () => {
    const expired = await new SignJWT({ roles: ['MarketData.Admin'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuedAt(Math.floor(Date.now() / 1000) - 7200)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 3600)
      .sign(new TextEncoder().encode(TEST_SECRET));
    const wrongKey = await tokenFor(['MarketData.Admin'], { secret: 'another-secret-that-is-32-bytes-long!!' });
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    const payload = Buffer.from(
      JSON.stringify({ sub: 'x', roles: ['MarketData.Admin'], exp: Math.floor(Date.now() / 1000) + 600 }),
    ).toString('base64url');
    const unsigned = `${header}.${payload}.`;
    for (const token of [null, 'not.a.jwt', expired, wrongKey, unsigned]) {
      const response = await api.call('GET', TASKS, { token });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
      expect(response.json.code).toBe('UNAUTHORIZED');
      if (token) expect(JSON.stringify(response.json)).not.toContain(token.slice(0, 20));
    }
  });

  it('needs the write role to submit, retry or cancel (403 otherwise), while any valid token may read', async () => {
    const hs = await new SignJWT({ scp: 'MarketData.Read' })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(TEST_SECRET));
    for (const token of [reader, hs]) {
      expect((await api.call('GET', TASKS, { token })).status).toBe(200);
      const submit = await api.call('POST', TASKS, { token, body: { task_type: 'download' } });
      expect(submit.status).toBe(403);
      expect(submit.json.code).toBe('FORBIDDEN');
      expect((await api.call('POST', `${TASKS}/0b7f3e4c-0e0f-4e6a-9d6c-7a4d3c2b1a00/cancel`, { token })).status).toBe(
        403,
      );
      expect((await api.call('POST', `${TASKS}/0b7f3e4c-0e0f-4e6a-9d6c-7a4d3c2b1a00/retry`, { token })).status).toBe(
        403,
      );
    }
  });

  it('rejects bad input with 400 and a clear message, never a 500', async () => {
    const cases: Array<[string, string, { body?: unknown; rawBody?: string }]> = [
      ['POST', TASKS, { rawBody: '{not json' }],
      ['POST', TASKS, { body: { task_type: 'upload' } }],
      ['POST', TASKS, { body: { task_type: 'download', extra: 1 } }],
      ['POST', TASKS, { body: [1, 2] }],
      ['POST', TASKS, { rawBody: '' }],
      ['GET', `${TASKS}?status=done`, {}],
      ['GET', `${TASKS}?limit=0`, {}],
      ['GET', `${TASKS}?limit=201`, {}],
      ['GET', `${TASKS}?limit=abc`, {}],
      ['GET', `${TASKS}?before=garbage`, {}],
    ];
    for (const [method, url, options] of cases) {
      const response = await api.call(method, url, { token: admin, ...options });
      expect(response.status, `${method} ${url}`).toBe(400);
      expect(response.json.code).toBe('INVALID_REQUEST');
      expect(response.json.error).toEqual(expect.any(String));
      expect(JSON.stringify(response.json)).not.toMatch(/\bat .+\.js:\d+/);
    }
  });

  it('cancels a running download: it ends cancelled within seconds and the installed bundle is untouched', async () => {
    server.setRate(32 * 1024);
    const submitted = await api.call('POST', TASKS, { token: admin, body: { task_type: 'download' } });
    expect(submitted.status).toBe(202);
    const id = submitted.json.task_id as string;
    // Admins also get the durable management URLs; the status URL answers with the orchestration's state.
    const status = await fetch(submitted.json.durable.statusQueryGetUri as string);
    expect([200, 202]).toContain(status.status);
    expect(((await status.json()) as { instanceId: string }).instanceId).toBe('market-data-pipeline');

    await pollUntil(
      async () => {
        const task = await api.call('GET', `${TASKS}/${id}`, { token: reader });
        return task.json.status === 'running' && task.json.progress > 0 ? true : undefined;
      },
      { what: 'download to make progress' },
    );
    const cancelled = await api.call('POST', `${TASKS}/${id}/cancel`, { token: writer });
    expect(cancelled.status).toBe(202);
    const started = Date.now();
    const { task } = await api.waitForEnd(id, reader, 15_000);
    expect(task.status).toBe('cancelled');
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(existsSync(path.join(dataDir, 'bundles', 'current'))).toBe(false);

    // The orchestration's last custom status mirrors the ended task, stage and progress included.
    const finalStatus = await pollUntil(
      async () => {
        const body = (await (await fetch(submitted.json.durable.statusQueryGetUri as string)).json()) as {
          runtimeStatus: string;
          customStatus: unknown;
        };
        return body.runtimeStatus === 'Completed' ? body.customStatus : undefined;
      },
      { what: 'the orchestration to complete' },
    );
    expect(finalStatus).toEqual({ task_id: id, stage: task.stage, progress: task.progress, outcome: 'cancelled' });

    const again = await api.call('POST', `${TASKS}/${id}/cancel`, { token: writer });
    expect(again.status).toBe(409);
    expect(again.json.code).toBe('TASK_NOT_ACTIVE');
    server.setRate(undefined);
  });

  it('after a cancel the mutex is free and the download resumes from the kept partial file', async () => {
    const submitted = await api.call('POST', TASKS, { token: writer, body: { task_type: 'download' } });
    expect(submitted.status).toBe(202);
    expect(submitted.json.durable).toBeUndefined();
    const { task } = await api.waitForEnd(submitted.json.task_id as string, reader);
    expect(task.status).toBe('success');
    expect(server.stats.rangeGets).toBeGreaterThan(0);
    expect(existsSync(path.join(dataDir, 'bundles', 'current'))).toBe(true);
  });
});
