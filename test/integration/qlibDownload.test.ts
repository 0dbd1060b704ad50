import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAppHost, type AppHost } from './appHost';
import { createApiClient, TEST_SECRET, tokenFor } from './apiClient';
import { startBundleServer, type BundleServer } from './bundleServer';

const CLI = path.resolve(__dirname, '..', '..', 'dist', 'scripts', 'cli.js');
const TASKS = '/api/market-data/tasks';

describe('a qlib binary bundle through a download task on the devhost', () => {
  let dir: string;
  let host: AppHost;
  let server: BundleServer;
  let api: ReturnType<typeof createApiClient>;
  let expected: {
    format: string;
    bundle: Record<string, number | string | null>;
    symbols: Record<string, Record<string, unknown>>;
  };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'mdt-qlib-'));
    // The layout of the community bundle: a tar.gz wrapping qlib_bin/ with calendars, features and instruments.
    const archive = path.join(dir, 'qlib_bin.tar.gz');
    execFileSync(process.execPath, [
      CLI,
      'make-bundle',
      ...[
        '--symbols',
        '35',
        '--days',
        '150',
        '--seed',
        '21',
        '--format',
        'qlib-bin',
        '--out',
        path.join(dir, 'qlib_bin'),
      ],
    ]);
    execFileSync('tar', ['-czf', archive, '-C', dir, 'qlib_bin']);
    expected = JSON.parse(readFileSync(path.join(dir, 'qlib_bin.expected.json'), 'utf8')) as typeof expected;
    server = await startBundleServer({ filePath: archive, acceptRanges: true });
    host = await startAppHost({
      dataDir: path.join(dir, 'data'),
      env: { AUTH_JWT_SECRET: TEST_SECRET, MARKET_DATA_BUNDLE_URL: server.url },
    });
    api = createApiClient(host.url);
  });

  afterAll(async () => {
    await host?.stop();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('downloads, unpacks and analyses it: totals and symbols with null where qlib cannot express a metric', async () => {
    const writer = await tokenFor(['MarketData.Write']);
    const submitted = await api.call('POST', TASKS, { token: writer, body: { task_type: 'download' } });
    expect(submitted.status).toBe(202);
    const { task, seen } = await api.waitForEnd(submitted.json.task_id as string, writer, 120_000);
    expect(task).toMatchObject({ status: 'success', progress: 100 });
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);

    const bundle = await api.call('GET', '/api/market-data/bundle', { token: writer });
    expect(bundle.status).toBe(200);
    expect(bundle.json).toMatchObject({ archive_type: 'tar.gz', format: 'qlib-bin', calendar_source: 'bundle' });
    expect(bundle.json.totals).toEqual(expected.bundle);
    expect(bundle.json.totals.duplicate_rows).toBeNull();
    expect(bundle.json.totals.limit_breaches).toBeGreaterThan(0);

    const page = await api.call('GET', '/api/market-data/bundle/symbols?limit=1000&sort=symbol', { token: writer });
    expect(page.status).toBe(200);
    expect(page.json.total).toBe(35);
    for (const item of page.json.symbols as Record<string, unknown>[]) {
      const want = expected.symbols[item.symbol as string]!;
      for (const [name, value] of Object.entries(want))
        expect(item[name], `${item.symbol as string} ${name}`).toEqual(value);
    }
    const logs = await api.call('GET', `${TASKS}/${submitted.json.task_id as string}/logs?limit=1000`, {
      token: writer,
    });
    expect(JSON.stringify(logs.json.logs)).not.toMatch(/no calendar\.csv/);
  });
});
