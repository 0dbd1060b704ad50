import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SseEvent } from '../../web/sseParser';
import { pollUntil, startAppHost, type AppHost } from './appHost';
import { createApiClient, makeBundle, TEST_SECRET, tokenFor } from './apiClient';
import { startBundleServer, type BundleServer } from './bundleServer';
import { openEventStream } from './sseClient';

const PAGE = '/api/market-data/dashboard';
const ASSETS = '/api/market-data/dashboard/assets';
const root = path.resolve(__dirname, '..', '..');

describe('the dashboard page and the reads it uses, on the devhost', () => {
  let dir: string;
  let host: AppHost;
  let server: BundleServer;
  let api: ReturnType<typeof createApiClient>;
  let writer: string;
  let reader: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'mdt-dash-api-'));
    server = await startBundleServer({ filePath: makeBundle(dir, 60, 200), acceptRanges: true });
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

  it('serves the page without a token, with a strict CSP, nosniff, no inline script or style, and revalidation', async () => {
    const response = await fetch(`${host.url}${PAGE}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    const csp = response.headers.get('content-security-policy') ?? '';
    for (const directive of ["script-src 'self'", "object-src 'none'", "frame-ancestors 'none'", "base-uri 'none'"]) {
      expect(csp).toContain(directive);
    }
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    const html = await response.text();
    expect(
      html.match(/<script\b[^>]*>/g)!.every((tag) => / src="\/api\/market-data\/dashboard\/assets\//.test(tag)),
    ).toBe(true);
    expect(html).not.toMatch(/\sstyle=|<style|\son[a-z]+=/i);
    expect(response.headers.get('cache-control')).toBe('no-cache');
    const again = await fetch(`${host.url}${PAGE}`, { headers: { 'if-none-match': response.headers.get('etag')! } });
    expect(again.status).toBe(304);
  });

  it('serves exactly the allow-listed assets, gzipped when asked, and nothing else', async () => {
    const modules = readdirSync(path.join(root, 'web')).filter(
      (name) => name.endsWith('.ts') && !name.endsWith('.d.ts'),
    );
    for (const name of [...modules.map((m) => m.replace(/\.ts$/, '.js')), 'echarts.js']) {
      const response = await fetch(`${host.url}${ASSETS}/${name}`);
      expect(response.status, name).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    }
    const css = await fetch(`${host.url}${ASSETS}/dashboard.css`, { headers: { 'accept-encoding': 'gzip' } });
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(css.headers.get('content-encoding')).toBe('gzip');
    expect(await css.text()).toContain('.progress');
    for (const name of [
      'main.ts',
      '..%2Fpackage.json',
      '%2e%2e%2f%2e%2e%2fpackage.json',
      'index.html',
      'echarts.min.js',
      'x',
    ]) {
      const response = await api.call('GET', `${ASSETS}/${name}`);
      expect(response.status, name).toBe(404);
      expect(response.json).toMatchObject({ code: 'NOT_FOUND' });
    }
  });

  it('answers the new reads like the others: 401 without a token, 404 NO_BUNDLE before any analysis', async () => {
    for (const route of ['/bundle/days', '/bundle/findings', '/stage-durations', '/events']) {
      const response = await api.call('GET', `/api/market-data${route}`);
      expect(response.status, route).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
      expect(response.json).toMatchObject({ code: 'UNAUTHORIZED' });
    }
    for (const route of ['/bundle/days', '/bundle/findings']) {
      const response = await api.call('GET', `/api/market-data${route}`, { token: reader });
      expect(response.status, route).toBe(404);
      expect(response.json).toMatchObject({ code: 'NO_BUNDLE' });
    }
    const durations = await api.call('GET', '/api/market-data/stage-durations', { token: reader });
    expect(durations.status).toBe(200);
    expect(durations.json.task_types.download.map((s: { stage: string }) => s.stage)).toEqual([
      'download',
      'unzip',
      'diff',
      'analyze',
    ]);
    expect(durations.json.task_types.analyze[0]).toMatchObject({
      stage: 'analyze',
      from: 0,
      to: 99,
      median_seconds: null,
      samples: 0,
    });
  });

  it('streams a download as events; a reconnect with Last-Event-ID misses no log line and ends in the final state', async () => {
    server.setRate(96 * 1024);
    const first = await openEventStream(host.url, reader);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(first.headers.get('cache-control')).toBe('no-store');
    await first.waitFor((events) => events.some((e) => e.event === 'ready'), 'the ready event');
    const submitted = await api.call('POST', '/api/market-data/tasks', {
      token: writer,
      body: { task_type: 'download' },
    });
    const taskId = submitted.json.task_id as string;
    const ofTask = (events: readonly SseEvent[]) =>
      events.filter((e) => e.event !== 'ready' && (JSON.parse(e.data) as { task_id: string }).task_id === taskId);
    await first.waitFor(
      (events) =>
        ofTask(events).some((e) => e.event === 'log') && ofTask(events).some((e) => e.event === 'task-progress'),
      'progress and a log line while downloading',
    );
    expect(first.comments[0]).toBe(': market-data task events');
    first.close();
    const cut = first.events.length;
    const lastId = first.events.at(-1)!.lastEventId!;
    server.setRate(undefined);
    const { task } = await api.waitForEnd(taskId, reader);
    expect(task.status).toBe('success');

    const resumed = await openEventStream(host.url, reader, lastId);
    const logsInDb = (await api.call('GET', `/api/market-data/tasks/${taskId}/logs?limit=1000`, { token: reader })).json
      .logs;
    const logIds = (events: readonly SseEvent[]) =>
      ofTask(events)
        .filter((e) => e.event === 'log')
        .map((e) => JSON.parse(e.data).id as number);
    await resumed.waitFor(
      (events) => logIds([...first.events.slice(0, cut), ...events]).length >= logsInDb.length,
      'every log line after the reconnect',
    );
    resumed.close();
    expect(resumed.events[0]).toMatchObject({ event: 'ready', data: '{"resumed":true}' });
    expect([...logIds(first.events.slice(0, cut)), ...logIds(resumed.events)]).toEqual(
      logsInDb.map((l: { id: number }) => l.id),
    );
    const states = ofTask(resumed.events).filter((e) => e.event.startsWith('task-'));
    expect(JSON.parse(states.at(-1)!.data)).toEqual(task);
  });

  it('refuses a Last-Event-ID it did not issue with 400', async () => {
    const response = await fetch(`${host.url}/api/market-data/events`, {
      headers: { authorization: `Bearer ${reader}`, 'last-event-id': 'not-an-id' },
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'INVALID_REQUEST' });
  });

  it('after the download: days with flags, findings filtered by symbol and check and paged, stage durations learnt', async () => {
    const bundle = (await api.call('GET', '/api/market-data/bundle', { token: reader })).json;
    const days = (await api.call('GET', '/api/market-data/bundle/days', { token: reader })).json;
    expect(days.run_id).toBe(bundle.run_id);
    expect(days.days).toHaveLength(bundle.totals.calendar_days ?? days.days.length);
    expect(days.days.map((d: { trade_date: string }) => d.trade_date)).toEqual(
      [...days.days.map((d: { trade_date: string }) => d.trade_date)].sort(),
    );
    const flagged = (flag: string) => days.days.filter((d: { flags: string[] }) => d.flags.includes(flag)).length;
    expect(flagged('empty')).toBe(bundle.totals.empty_calendar_days);
    expect(flagged('thin')).toBe(bundle.totals.thin_days);
    expect(flagged('frozen')).toBe(bundle.totals.frozen_days);

    const all = (await api.call('GET', '/api/market-data/bundle/findings?limit=500', { token: reader })).json;
    expect(all.total).toBeGreaterThan(0);
    const sample = all.findings.find((f: { symbol: string | null }) => f.symbol !== null);
    const bySymbol = (
      await api.call('GET', `/api/market-data/bundle/findings?symbol=${sample.symbol}`, { token: reader })
    ).json;
    expect(bySymbol.findings.length).toBeGreaterThan(0);
    expect(bySymbol.findings.every((f: { symbol: string }) => f.symbol === sample.symbol)).toBe(true);
    const check = sample.check_code as string;
    const both = (
      await api.call('GET', `/api/market-data/bundle/findings?symbol=${sample.symbol}&check=${check.toLowerCase()}`, {
        token: reader,
      })
    ).json;
    expect(
      both.findings.every(
        (f: { symbol: string; check_code: string }) => f.symbol === sample.symbol && f.check_code === check,
      ),
    ).toBe(true);
    expect(both.total).toBe(
      all.findings.filter(
        (f: { symbol: string; check_code: string }) => f.symbol === sample.symbol && f.check_code === check,
      ).length,
    );
    const counted = all.checks.find((c: { check_code: string }) => c.check_code === check);
    expect(counted.count).toBe(all.findings.filter((f: { check_code: string }) => f.check_code === check).length);

    const page1 = (await api.call('GET', '/api/market-data/bundle/findings?limit=3&offset=0', { token: reader })).json;
    const page2 = (await api.call('GET', '/api/market-data/bundle/findings?limit=3&offset=3', { token: reader })).json;
    expect([...page1.findings, ...page2.findings]).toEqual(all.findings.slice(0, 6));

    for (const bad of ['check=NOPE', 'limit=0', 'limit=501', 'offset=-1', `symbol=${'x'.repeat(65)}`]) {
      const response = await api.call('GET', `/api/market-data/bundle/findings?${bad}`, { token: reader });
      expect(response.status, bad).toBe(400);
      expect(response.json).toMatchObject({ code: 'INVALID_REQUEST' });
    }

    const durations = await pollUntil(
      async () => {
        const json = (await api.call('GET', '/api/market-data/stage-durations', { token: reader })).json;
        return json.task_types.download.every((s: { samples: number }) => s.samples >= 1) ? json : undefined;
      },
      { what: 'stage durations of the finished download' },
    );
    for (const stage of durations.task_types.download) expect(stage.median_seconds).toBeGreaterThanOrEqual(0);
  });
});
