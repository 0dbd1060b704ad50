import type { APIResponse } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDashboard } from './browserKit';
import { startBrowserScene, type BrowserScene } from './browserScene';
import { untilText } from './explainFailure';
import { readFrames, recordFrames } from './recordFrames';

/** Every wait is bounded so that the five of them stay within the test's timeout. */
const STEP = { timeout: 10_000 };
const MUTEX = '已有任务正在运行，请等待完成后再试';

describe('the dashboard in Chromium, when answers arrive after the events they predate', () => {
  let scene: BrowserScene;

  beforeAll(async () => {
    scene = await startBrowserScene('mdt-browser-late-');
  });

  afterAll(async () => {
    await scene?.stop();
  });

  it('a submit answered (202, and 409 for the second click) only after the task runs never shows it pending again', async () => {
    const { server, host, browser, api, writer, reader } = scene;
    server.setRate(32 * 1024);
    // Both submits reach the server at once; their answers (the task as accepted, pending, and the 409 naming the
    // active task, pending or running) are held back until the page has shown the task running from the event stream.
    const held: { answer: APIResponse; deliver: () => Promise<void> }[] = [];
    const watched = await openDashboard(browser, host.url, {
      token: writer,
      expected: [/status of 409 .*\/api\/market-data\/tasks$/],
      prepare: async (page) => {
        await page.route('**/api/market-data/tasks', async (route) => {
          if (route.request().method() !== 'POST') return route.fallback();
          const answer = await route.fetch();
          held.push({ answer, deliver: () => route.fulfill({ response: answer }) });
        });
      },
    });
    const { page } = watched;
    const current = page.getByRole('region', { name: '当前任务' });
    const badge = current.locator('.task-heading .badge');
    await expect.poll(() => page.locator('#live-status').textContent()).toBe('实时更新中');
    await recordFrames(page);
    await current.getByRole('button', { name: '下载/更新数据' }).dblclick();
    await expect.poll(() => held.length, STEP).toBe(2);
    await expect.poll(() => badge.textContent(), STEP).toBe('运行中');
    const [accepted, refused] = [...held].sort((a, b) => a.answer.status() - b.answer.status());
    expect([accepted!.answer.status(), refused!.answer.status()]).toEqual([202, 409]);
    await accepted!.deliver();
    await expect.poll(() => current.locator('.feedback-info').textContent(), STEP).toMatch(/^已提交任务 /);
    await refused!.deliver();
    await expect.poll(() => current.locator('.feedback-error').textContent(), STEP).toBe(MUTEX);
    expect(await badge.textContent()).toBe('运行中');

    server.setRate(undefined);
    await untilText(badge, '成功', { api, token: reader, page }, STEP.timeout);
    const tasks = (await api.call('GET', '/api/market-data/tasks', { token: reader })).json.tasks;
    expect(tasks).toHaveLength(1);
    const badges = (await readFrames(page))
      .filter((frame) => frame.heading.includes(tasks[0].task_id.slice(0, 8)))
      .map((frame) => frame.badge);
    const firstRunning = badges.indexOf('运行中');
    expect(firstRunning).toBeGreaterThanOrEqual(0);
    expect(badges.slice(firstRunning)).not.toContain('等待中');
    expect(watched.expectedErrors()).toHaveLength(1);
    expect(watched.unexpectedErrors()).toEqual([]);
    await watched.close();
  });
});
