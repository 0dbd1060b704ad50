import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateBundlePair, type ExpectedDiff } from '../../scripts/bundleGenerator/generateBundlePair';
import { writeZip, type TreeFiles } from '../analysis/bundleTrees';
import { startAppHost, type AppHost } from '../integration/appHost';
import { createApiClient, TEST_SECRET, tokenFor } from '../integration/apiClient';
import { startBundleServer, type BundleServer } from '../integration/bundleServer';
import { horizontalOverflow, launchChromium, openDashboard, type OpenOptions, type WatchedPage } from './browserKit';

// Below the test's 60 s, so a wait that fails reports what it last saw instead of the test timing out.
const LONG = { timeout: 45_000 };
const CLI = path.resolve(__dirname, '..', '..', 'dist', 'scripts', 'cli.js');

describe('the diff view, 回滚 and 强制安装 in Chromium, against the app on the devhost', () => {
  let dir: string;
  let host: AppHost;
  let server: BundleServer;
  let browser: Browser;
  let api: ReturnType<typeof createApiClient>;
  let admin: string;
  let writer: string;
  let reader: string;
  let expected: ExpectedDiff;
  const releases: Record<'old' | 'new', string> = { old: '', new: '' };
  let opened: WatchedPage | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'mdt-browser-diff-'));
    const files: Record<'old' | 'new', TreeFiles> = { old: {}, new: {} };
    expected = await generateBundlePair(
      { symbols: 30, days: 80, extraDays: 5, seed: 17, format: 'csv-daily' },
      {
        old: (name, data) => Promise.resolve(void (files.old[name] = data)),
        new: (name, data) => Promise.resolve(void (files.new[name] = data)),
      },
    );
    releases.old = await writeZip(path.join(dir, 'old.zip'), files.old);
    releases.new = await writeZip(path.join(dir, 'new.zip'), files.new);
    server = await startBundleServer({ filePath: releases.old, acceptRanges: true });
    host = await startAppHost({
      dataDir: path.join(dir, 'data'),
      env: { AUTH_JWT_SECRET: TEST_SECRET, MARKET_DATA_BUNDLE_URL: server.url },
    });
    api = createApiClient(host.url);
    browser = await launchChromium();
    [admin, writer, reader] = await Promise.all([
      tokenFor(['MarketData.Admin'], { ttlSeconds: 3600 }),
      tokenFor(['MarketData.Write'], { ttlSeconds: 3600 }),
      tokenFor([]),
    ]);
  });

  afterEach(async () => {
    await opened?.close();
    opened = undefined;
  });

  afterAll(async () => {
    await browser?.close();
    await host?.stop();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function open(options: OpenOptions): Promise<WatchedPage> {
    opened = await openDashboard(browser, host.url, options);
    return opened;
  }

  const current = (page: Page) => page.getByRole('region', { name: '当前任务' });
  const diffRegion = (page: Page) => page.getByRole('region', { name: '数据变化' });
  const badge = (page: Page) => current(page).locator('.task-heading .badge');

  /** Presses an action of the current-task panel and waits for the task it started to end with `status`. */
  async function runFromPage(page: Page, button: string, status = '成功'): Promise<void> {
    const before = (await api.call('GET', '/api/market-data/tasks?limit=1', { token: reader })).json.tasks[0]?.task_id;
    await current(page).getByRole('button', { name: button }).click();
    await expect
      .poll(
        async () => (await api.call('GET', '/api/market-data/tasks?limit=1', { token: reader })).json.tasks[0]?.task_id,
        LONG,
      )
      .not.toBe(before);
    await expect.poll(() => badge(page).textContent(), LONG).toBe(status);
  }

  it("a first install says there is nothing to compare with; the next shows what changed, restated first, and a symbol's restated rows", async () => {
    const watched = await open({ token: writer });
    const { page } = watched;
    await runFromPage(page, '下载/更新数据');
    await expect
      .poll(() => diffRegion(page).getByRole('status').textContent(), LONG)
      .toBe('这是第一次安装的数据包，没有上一代可以比较。');

    server.setFilePath(releases.new);
    await runFromPage(page, '下载/更新数据');
    const { totals } = expected;
    await expect
      .poll(() => diffRegion(page).locator('.diff-summary').textContent(), LONG)
      .toBe(
        `${totals.symbols_restated} 只股票的 ${totals.rows_restated} 行历史数据被修改；${totals.symbols_readjusted} 只复权调整；` +
          `新增 ${totals.symbols_added} 只，移除 ${totals.symbols_removed} 只；新增 ${totals.days_added} 个交易日。`,
      );
    // Restated symbols first: the one with two restated rows heads the table.
    const [top] = Object.entries(expected.symbols).sort(([, a], [, b]) => b.rows_restated - a.rows_restated);
    const rows = diffRegion(page).locator('.diff-main tbody tr');
    await expect.poll(() => rows.first().getAttribute('data-row-key')).toBe(top![0]);
    expect(await rows.count()).toBe(20); // a page of the changed symbols
    await diffRegion(page)
      .getByRole('button', { name: `查看 ${top![0]} 的修改样本` })
      .click();
    const samples = page.getByRole('region', { name: `${top![0]} 的修改样本` });
    await expect.poll(() => samples.locator('tbody tr').count()).toBe(2);
    expect(await samples.locator('tbody tr').first().locator('td').nth(0).textContent()).toBe(
      top![1].first_restated_date,
    );
    expect(await samples.locator('tbody tr').first().locator('td').nth(1).textContent()).toBe('close');
    // Only the re-adjusted symbols, by the filter.
    await diffRegion(page).getByRole('combobox', { name: '变化类型' }).selectOption('readjusted');
    await expect.poll(() => rows.count()).toBe(totals.symbols_readjusted);
    expect(await rows.first().locator('td').nth(5).textContent()).toBe('× 1.25');
    await watched.screenshot('diff-1280');
    await page.setViewportSize({ width: 390, height: 900 });
    await expect.poll(() => horizontalOverflow(page), { timeout: 10_000 }).toBe(0);
    await watched.screenshot('diff-390');
    expect(watched.unexpectedErrors()).toEqual([]);
  });

  it('回滚 is for admins, asks first, and then brings the previous bundle back with a diff of what it changed', async () => {
    const asWriter = await open({ token: writer });
    await expect.poll(() => current(asWriter.page).getByRole('button', { name: '回滚' }).isDisabled()).toBe(true);
    await asWriter.close();

    const watched = await open({ token: admin });
    const { page } = watched;
    const rollback = current(page).getByRole('button', { name: '回滚' });
    await expect.poll(() => rollback.isEnabled(), LONG).toBe(true);
    const tasksBefore = (await api.call('GET', '/api/market-data/tasks', { token: reader })).json.tasks.length;
    let asked = '';
    page.once('dialog', (dialog) => {
      asked = dialog.message();
      void dialog.dismiss();
    });
    await rollback.click();
    await expect.poll(() => asked).toMatch(/^确定回滚到上一代数据包（.* 安装）吗？/);
    expect((await api.call('GET', '/api/market-data/tasks', { token: reader })).json.tasks).toHaveLength(tasksBefore);

    page.once('dialog', (dialog) => void dialog.accept());
    await runFromPage(page, '回滚');
    const facts = page.locator('#bundle-summary');
    await expect.poll(() => facts.textContent(), LONG).toContain('由回滚恢复是');
    // What the rollback changed is the way back: the removed symbols return, the added ones go.
    await expect
      .poll(() => diffRegion(page).locator('.diff-summary').textContent(), LONG)
      .toContain(`新增 ${expected.totals.symbols_removed} 只，移除 ${expected.totals.symbols_added} 只`);
    await watched.screenshot('rolled-back');
    expect(watched.unexpectedErrors()).toEqual([]);
  });

  it('a download the install check refused offers 强制安装 to admins, which installs it after confirmation', async () => {
    const shrunk: TreeFiles = {};
    await generateBundlePair(
      { symbols: 12, days: 80, extraDays: 5, seed: 17, format: 'csv-daily' },
      { old: () => Promise.resolve(), new: (name, data) => Promise.resolve(void (shrunk[name] = data)) },
    );
    server.setFilePath(await writeZip(path.join(dir, 'shrunk.zip'), shrunk));
    const watched = await open({ token: admin });
    const { page } = watched;
    await runFromPage(page, '下载/更新数据', '失败');
    expect(
      await current(page)
        .getByText(/would remove .* of symbols/)
        .isVisible(),
    ).toBe(true);
    const force = current(page).getByRole('button', { name: '强制安装' });
    await expect.poll(() => force.isEnabled()).toBe(true);
    page.once('dialog', (dialog) => void dialog.accept());
    await runFromPage(page, '强制安装');
    const task = (await api.call('GET', '/api/market-data/tasks?limit=1', { token: reader })).json.tasks[0];
    expect(task).toMatchObject({ task_type: 'download', status: 'success' });
    await watched.screenshot('forced');
    expect(watched.unexpectedErrors()).toEqual([]);
  });

  it("a qlib bundle's metrics that its format cannot express read 不适用 in the totals; its parse errors are counted", async () => {
    const qlib = path.join(dir, 'qlib.tar.gz');
    execFileSync(process.execPath, [
      CLI,
      'make-bundle',
      '--symbols',
      '40',
      '--days',
      '90',
      '--seed',
      '3',
      '--format',
      'qlib-bin',
      '--out',
      qlib,
    ]);
    server.setFilePath(qlib);
    const watched = await open({ token: writer });
    const { page } = watched;
    await runFromPage(page, '下载/更新数据');
    const duplicates = page.locator('#bundle-quality .metric', { hasText: '重复日期行' });
    await expect.poll(() => duplicates.locator('.metric-value').textContent(), LONG).toBe('不适用');
    expect(await page.locator('#bundle-summary').textContent()).toContain('格式qlib-bin');
    // A day with a required value missing is a parse error in qlib too: a count in the symbols table, never 不适用.
    const parseErrors = page.getByRole('region', { name: '个股指标' }).locator('tbody tr').first().locator('td').nth(7);
    await expect.poll(() => parseErrors.textContent()).toMatch(/^\d+$/);
    await watched.screenshot('qlib-not-applicable');
    expect(watched.unexpectedErrors()).toEqual([]);
  });
});
