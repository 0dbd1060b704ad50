import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/openDatabase';
import { createTaskStore } from '../../src/tasks/taskStore';
import { pollUntil, type AppHost } from '../integration/appHost';
import { tokenFor } from '../integration/apiClient';
import type { BundleServer } from '../integration/bundleServer';
import { horizontalOverflow, openDashboard, type OpenOptions, type WatchedPage } from './browserKit';
import { startBrowserScene, type BrowserScene } from './browserScene';
import { untilText } from './explainFailure';
import { readFrames, recordFrames } from './recordFrames';

const MUTEX = '已有任务正在运行，请等待完成后再试';
// Below the test's 60 s, so a wait that fails reports what it last saw instead of the test timing out.
const LONG = { timeout: 45_000 };
// Each of the two badge waits of the quick-clicks test: both fit in the test timeout with the rest.
const BADGE_WAIT_MS = 25_000;

describe('the dashboard in Chromium, against the app on the devhost', () => {
  let scene: BrowserScene | undefined;
  let host: AppHost;
  let server: BundleServer;
  let browser: Browser;
  let api: BrowserScene['api'];
  let writer: string;
  let reader: string;
  let opened: WatchedPage | undefined;

  beforeAll(async () => {
    scene = await startBrowserScene('mdt-browser-');
    ({ host, server, browser, api, writer, reader } = scene);
  });

  afterEach(async () => {
    await opened?.close();
    opened = undefined;
  });

  afterAll(async () => {
    await scene?.stop();
  });

  async function open(options: OpenOptions): Promise<WatchedPage> {
    opened = await openDashboard(browser, host.url, options);
    return opened;
  }

  const current = (page: Page) => page.getByRole('region', { name: '当前任务' });

  it('without a token, or with an expired or read-only one, explains why and disables every action', async () => {
    const expired = await tokenFor(['MarketData.Write'], { ttlSeconds: 1 });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const cases = [
      { name: 'signed-out', token: undefined, says: /未登录/, sections: false },
      { name: 'expired-token', token: expired, says: /访问令牌已于 .* 过期/, sections: false },
      { name: 'read-only', token: reader, says: /只读令牌/, sections: true },
    ];
    for (const { name, token, says, sections } of cases) {
      const { page, screenshot, unexpectedErrors, close } = await open({ token });
      await expect.poll(() => page.locator('#auth-status').textContent()).toMatch(says);
      await expect.poll(() => page.getByRole('button', { name: '下载/更新数据' }).isDisabled()).toBe(true);
      expect(await page.getByRole('button', { name: '重新分析' }).isDisabled()).toBe(true);
      expect(await page.getByRole('region', { name: '历史任务' }).isVisible()).toBe(sections);
      expect(page.url()).not.toContain('token=');
      await screenshot(name);
      if (name === 'signed-out') {
        // Signing in by pasting a token into the field, keyboard only.
        await page.getByRole('textbox', { name: '访问令牌' }).fill(writer);
        await page.keyboard.press('Enter');
        await expect.poll(() => page.locator('#auth-status').textContent()).toMatch(/已登录：e2e，可以操作任务/);
        await expect.poll(() => page.getByRole('button', { name: '下载/更新数据' }).isEnabled()).toBe(true);
        expect(await page.getByRole('textbox', { name: '访问令牌' }).inputValue()).toBe('');
      }
      expect(unexpectedErrors()).toEqual([]);
      await close();
    }
  });

  it('取消 ends the active task as cancelled', async () => {
    server.setRate(16 * 1024);
    const { page, screenshot, unexpectedErrors } = await open({ token: writer });
    await current(page).getByRole('button', { name: '下载/更新数据' }).click();
    const cancel = current(page).getByRole('button', { name: '取消' });
    await cancel.click(LONG);
    await expect.poll(() => current(page).locator('.task-heading .badge').textContent(), LONG).toBe('已取消');
    expect(await cancel.isHidden()).toBe(true);
    const tasks = (await api.call('GET', '/api/market-data/tasks', { token: reader })).json.tasks;
    expect(tasks[0]).toMatchObject({ status: 'cancelled' });
    await screenshot('cancelled');
    expect(unexpectedErrors()).toEqual([]);
  });

  it('two quick clicks make one task and show the mutex message; progress only rises to 100, the stepper reaches 分析, logs stream in', async () => {
    server.setRate(64 * 1024);
    const before = (await api.call('GET', '/api/market-data/tasks', { token: reader })).json.tasks.length;
    const watched = await open({ token: writer, expected: [/status of 409 .*\/api\/market-data\/tasks$/] });
    const { page } = watched;
    await expect.poll(() => page.locator('#live-status').textContent()).toBe('实时更新中');
    await recordFrames(page);
    await current(page).getByRole('button', { name: '下载/更新数据' }).dblclick();
    await expect.poll(() => current(page).getByRole('alert').textContent()).toBe(MUTEX);
    const badge = current(page).locator('.task-heading .badge');
    // Each wait is bounded below the test's timeout, so a stall fails with the server's and the page's view.
    const until = (status: string) => untilText(badge, status, { api, token: reader, page }, BADGE_WAIT_MS);
    await until('运行中');
    await watched.screenshot('running');
    server.setRate(256 * 1024);
    await until('成功');
    // The mutex message was about that task: once it has ended, the message is out of date and gone.
    await expect.poll(() => current(page).locator('.feedback-error').textContent()).toBe('');
    await watched.screenshot('succeeded');

    const tasks = (await api.call('GET', '/api/market-data/tasks', { token: reader })).json.tasks;
    expect(tasks).toHaveLength(before + 1);
    const frames = (await readFrames(page)).filter((f) => f.heading.includes(tasks[0].task_id.slice(0, 8)));
    const progress = frames.map((f) => f.progress);
    for (let i = 1; i < progress.length; i += 1) expect(progress[i]).toBeGreaterThanOrEqual(progress[i - 1]!);
    expect(new Set(progress).size).toBeGreaterThan(3);
    expect(progress.at(-1)).toBe(100);
    expect(await current(page).getByRole('progressbar').getAttribute('aria-valuenow')).toBe('100');
    // The stepper follows the task: the download is shown as current while it runs, and the stepper ends with every
    // stage reached up to 分析. A stage shorter than one event poll (the diff of a first install, the analysis of this
    // small bundle) may be seen only as done, so 比对 and 分析 are checked as reached rather than as current.
    expect(frames.filter((f) => f.progress < 55).map((f) => f.step)).toContain('下载');
    expect(frames.at(-1)!.reached).toEqual(['下载', '解压', '比对', '分析']);
    const order = ['下载', '解压', '比对', '分析'];
    const currentSteps = frames.flatMap((f) => (f.step === null ? [] : [order.indexOf(f.step)]));
    for (let i = 1; i < currentSteps.length; i += 1)
      expect(currentSteps[i]).toBeGreaterThanOrEqual(currentSteps[i - 1]!);
    expect(frames.some((f) => f.heading.includes('运行中') && f.logLines > 0)).toBe(true);
    expect(watched.expectedErrors()).toHaveLength(1);
    expect(watched.unexpectedErrors()).toEqual([]);
  });

  it('a failed task offers 重试; retrying makes a new task shown as a retry of the first', async () => {
    server.setFailure(404);
    const { page, screenshot, unexpectedErrors } = await open({ token: writer });
    await current(page).getByRole('button', { name: '下载/更新数据' }).click();
    const retry = current(page).getByRole('button', { name: '重试' });
    await expect.poll(() => retry.isEnabled(), LONG).toBe(true);
    const failed = (await api.call('GET', '/api/market-data/tasks?limit=1', { token: reader })).json.tasks[0];
    expect(failed.status).toBe('failed');
    expect(
      await current(page)
        .getByText(failed.error as string)
        .isVisible(),
    ).toBe(true);
    await screenshot('failed');
    server.setFailure(undefined);
    await retry.click();
    await expect
      .poll(() => current(page).locator('.task-heading').textContent(), LONG)
      .toContain(`重试自 ${failed.task_id.slice(0, 8)}`);
    await expect.poll(() => current(page).locator('.task-heading .badge').textContent(), LONG).toBe('成功');
    const retried = (await api.call('GET', '/api/market-data/tasks?limit=1', { token: reader })).json.tasks[0];
    expect(retried).toMatchObject({ source: 'retry', retry_of: failed.task_id, status: 'success' });
    await screenshot('retried');
    expect(unexpectedErrors()).toEqual([]);
  });

  it('shows a log line and an error containing markup as text, and runs nothing', async () => {
    const payload = '<img src=x onerror="window.__pwned=1">';
    const db = openDatabase(path.join(scene!.dataDir, 'market_data.sqlite3'));
    const store = createTaskStore(db);
    db.transaction(() => {
      const task = store.createTask({ taskType: 'analyze', source: 'manual' });
      store.startTask(task.task_id);
      store.log(task.task_id, 'ERROR', `line ${payload}`, 'analyze');
      store.failTask(task.task_id, `error ${payload}`);
    }).immediate();
    db.close();
    const { page, screenshot, unexpectedErrors } = await open({ token: reader });
    await expect.poll(() => page.locator('#logs .log-message').last().textContent(), LONG).toBe(`line ${payload}`);
    expect(await current(page).getByText(`error ${payload}`).isVisible()).toBe(true);
    await page.getByRole('region', { name: '历史任务' }).getByRole('button', { name: /^查看/ }).first().click();
    await expect.poll(() => page.locator('#detail .log-message').last().textContent()).toBe(`line ${payload}`);
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as any).__pwned as unknown)).toBeUndefined();
    await screenshot('markup-as-text');
    expect(unexpectedErrors()).toEqual([]);
  });

  it('with the event stream blocked, says so and still follows a task by polling', async () => {
    const watched = await open({
      token: writer,
      expected: [/net::ERR_FAILED .*\/api\/market-data\/events$/],
      prepare: async (page) => {
        await page.route('**/api/market-data/events', (route) => route.abort());
      },
    });
    const { page } = watched;
    await expect.poll(() => page.locator('#live-status').textContent(), LONG).toContain('轮询');
    await current(page).getByRole('button', { name: '重新分析' }).click();
    const submitted = (await api.call('GET', '/api/market-data/tasks?limit=1', { token: reader })).json.tasks[0];
    await expect
      .poll(() => current(page).locator('.task-heading').textContent(), LONG)
      .toContain(submitted.task_id.slice(0, 8));
    await expect.poll(() => current(page).locator('.task-heading .badge').textContent(), LONG).toBe('成功');
    expect(await current(page).getByRole('progressbar').getAttribute('aria-valuenow')).toBe('100');
    await watched.screenshot('polling');
    expect(watched.expectedErrors().length).toBeGreaterThan(0);
    expect(watched.unexpectedErrors()).toEqual([]);
  });

  it('works from the keyboard alone and at 390 px: tab to a sort button, sort, switch to English and back', async () => {
    const watched = await open({ token: reader, width: 390 });
    const { page } = watched;
    const sortButton = page.getByRole('button', { name: '按 缺失交易日 排序' });
    await sortButton.waitFor(LONG);
    await pollUntil(
      async () => {
        await page.keyboard.press('Tab');
        return (await sortButton.evaluate((el) => el === el.ownerDocument.activeElement)) ? true : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 0, what: 'Tab to reach the sort button' },
    );
    await page.keyboard.press('Enter');
    const header = page.getByRole('columnheader', { name: '按 缺失交易日 排序' });
    await expect.poll(() => header.getAttribute('aria-sort')).toBe('descending');
    expect(await sortButton.evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
    await expect.poll(() => horizontalOverflow(page), { timeout: 10_000 }).toBe(0);
    await watched.screenshot('narrow-390');
    await page.getByRole('button', { name: 'English' }).click();
    expect(await page.getByRole('button', { name: 'Download / update data' }).isVisible()).toBe(true);
    await page.reload();
    await expect.poll(() => page.getByRole('button', { name: '中文' }).isVisible()).toBe(true);
    await page.getByRole('button', { name: '中文' }).click();
    expect(watched.unexpectedErrors()).toEqual([]);
  });
});
