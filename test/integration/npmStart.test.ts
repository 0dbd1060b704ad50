import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { launchChromium, openDashboard } from '../web/browserKit';
import { pollUntil } from './appHost';
import { createApiClient } from './apiClient';

const root = path.resolve(__dirname, '..', '..');

describe('npm start on embedded defaults', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mdt-start-'));
  const env: Record<string, string | undefined> = { ...process.env };
  for (const key of Object.keys(env)) {
    if (key.startsWith('MARKET_DATA_') || key.startsWith('AUTH_')) delete env[key];
  }
  const child = spawn(process.execPath, [path.join(root, 'dist', 'scripts', 'start.js')], {
    env: { ...env, MARKET_DATA_HOME: dir, PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));

  afterAll(async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints a one-click dashboard link that opens signed in; a demo download is started there and watched to 100 %', async () => {
    const link = await pollUntil(
      () =>
        Promise.resolve(
          /Dashboard \(opens signed in\):\n\s+(http:\/\/localhost:\d+\/api\/market-data\/dashboard#token=\S+)/.exec(
            output,
          )?.[1],
        ),
      { timeoutMs: 60_000, what: `npm start to print the dashboard link:\n${output}` },
    );
    const [origin, token] = link.split('/api/market-data/dashboard#token=') as [string, string];
    const browser = await launchChromium();
    try {
      const watched = await openDashboard(browser, origin, { token });
      const { page } = watched;
      await expect.poll(() => page.locator('#auth-status').textContent()).toMatch(/已登录：local-admin，可以操作任务/);
      expect(page.url()).toBe(`${origin}/api/market-data/dashboard`);
      await expect.poll(() => page.locator('#live-status').textContent()).toBe('实时更新中');
      const current = page.getByRole('region', { name: '当前任务' });
      await current.getByRole('button', { name: '下载/更新数据' }).click();
      await expect.poll(() => current.locator('.task-heading .badge').textContent(), { timeout: 60_000 }).toBe('成功');
      expect(await current.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('100');
      await expect.poll(() => page.locator('#bundle .metric').count(), { timeout: 30_000 }).toBeGreaterThan(0);
      expect(watched.unexpectedErrors()).toEqual([]);
      await watched.close();
    } finally {
      await browser.close();
    }
  });

  it('prints a working admin token, and a download of the demo bundle succeeds with a readable summary', async () => {
    const { base, token } = await pollUntil(
      () => {
        const api = /API on (http:\/\/\S+)\/api\/market-data/.exec(output);
        const printed = /Admin token[^\n]*\n\s+(\S+)/.exec(output);
        return Promise.resolve(api?.[1] && printed?.[1] ? { base: api[1], token: printed[1] } : undefined);
      },
      { timeoutMs: 60_000, what: `npm start to print its token:\n${output}` },
    );
    expect(output).toMatch(/curl -s -X POST -H "Authorization: Bearer /);
    const api = createApiClient(base);
    const submitted = await api.call('POST', '/api/market-data/tasks', { token, body: { task_type: 'download' } });
    expect(submitted.status).toBe(202);
    const { task } = await api.waitForEnd(submitted.json.task_id as string, token);
    expect(task).toMatchObject({ status: 'success', progress: 100 });
    const bundle = await api.call('GET', '/api/market-data/bundle', { token });
    expect(bundle.status).toBe(200);
    expect(bundle.json.source).toMatch(/^file:\/\/.*demo-bundle\.zip$/);
    expect(bundle.json.totals.symbol_count).toBe(300);

    child.kill('SIGTERM');
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(0);
  });
});
