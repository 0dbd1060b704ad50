import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODE_ONLY, qlibBin, qlibFiles, syntheticFiles, writeZip, type TreeFiles } from '../analysis/bundleTrees';
import { pollUntil, startAppHost, type AppHost } from './appHost';
import { createApiClient, TEST_SECRET, tokenFor } from './apiClient';
import { startBundleServer, type BundleServer } from './bundleServer';
import { treeDigest } from './treeDigest';

const TASKS = '/api/market-data/tasks';
const BUNDLE = '/api/market-data/bundle';
const CLI = path.resolve(__dirname, '..', '..', 'dist', 'scripts', 'cli.js');
const runFile = promisify(execFile);

describe('a bad release never replaces a good bundle; rollback brings the previous one back (devhost, end to end)', () => {
  let dir: string;
  let server: BundleServer;
  let writer: string;
  let admin: string;
  let reader: string;
  let releases = 0;

  /** Writes an archive and makes it what the bundle URL serves from now on. */
  async function publish(files: TreeFiles): Promise<string> {
    releases += 1;
    const zip = await writeZip(path.join(dir, `release-${releases}.zip`), files);
    server.setFilePath(zip);
    return zip;
  }

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'mdt-guard-'));
    server = await startBundleServer({
      filePath: await writeZip(path.join(dir, 'empty.zip'), { 'README.md': 'nothing yet' }),
      acceptRanges: true,
    });
    [writer, admin, reader] = await Promise.all([
      tokenFor(['MarketData.Write']),
      tokenFor(['MarketData.Admin']),
      tokenFor([]),
    ]);
  });

  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function withHost<T>(
    name: string,
    run: (host: AppHost, api: ReturnType<typeof createApiClient>) => Promise<T>,
  ) {
    const host = await startAppHost({
      dataDir: path.join(dir, name),
      env: { AUTH_JWT_SECRET: TEST_SECRET, MARKET_DATA_BUNDLE_URL: server.url },
    });
    try {
      return await run(host, createApiClient(host.url));
    } finally {
      await host.stop();
    }
  }

  /** Submits a task and waits for its end; returns the ended task. */
  async function runTask(api: ReturnType<typeof createApiClient>, body: object, token = writer) {
    const submitted = await api.call('POST', TASKS, { token, body });
    expect(submitted.status, JSON.stringify(submitted.json)).toBe(202);
    return (await api.waitForEnd(submitted.json.task_id as string, reader)).task as Record<string, unknown>;
  }

  async function analysisTotals(api: ReturnType<typeof createApiClient>): Promise<unknown> {
    const task = await runTask(api, { task_type: 'analyze' });
    expect(task.status).toBe('success');
    return (await api.call('GET', BUNDLE, { token: reader })).json.totals;
  }

  it('archives with only code, an empty daily/, header-less CSVs or a qlib tree with empty features each fail, and change nothing', async () => {
    await withHost('invalid', async (_host, api) => {
      await publish(await syntheticFiles(8, 40));
      expect((await runTask(api, { task_type: 'download' })).status).toBe('success');
      const current = path.join(dir, 'invalid', 'bundles', 'current');
      const tree = treeDigest(current);
      const totals = await analysisTotals(api);
      const headerless = Object.fromEntries(
        Object.entries(await syntheticFiles(8, 40)).map(([name, data]) => [
          name,
          name.startsWith('daily/') ? String(data).slice(String(data).indexOf('\n') + 1) : data,
        ]),
      );
      const releasesToRefuse: [string, TreeFiles, RegExp][] = [
        ['code only', CODE_ONLY, /holds no market data: found README\.md, scripts\/ \(2 entries\); expected/],
        [
          'empty daily/',
          { 'daily/': '', 'calendar.csv': 'date\n2024-01-02\n' },
          /found calendar\.csv, daily\/ \(empty\)/,
        ],
        ['header-less CSVs', headerless, /8 of 8 sampled files fail \(daily\/.*: no header row/],
        [
          'qlib with empty features',
          { ...qlibFiles(30, {}), 'features/sh600000/close.day.bin': qlibBin(0, []) },
          /qlib binary tree, but 0 of 1 symbol folders in features\/ hold usable data/,
        ],
      ];
      for (const [label, files, error] of releasesToRefuse) {
        const bundleBefore = (await api.call('GET', BUNDLE, { token: reader })).json as unknown;
        await publish(files);
        const task = await runTask(api, { task_type: 'download' });
        expect(task, label).toMatchObject({ status: 'failed', stage: 'unzip' });
        expect(task.error, label).toMatch(error);
        expect(treeDigest(current), label).toEqual(tree);
        expect((await api.call('GET', BUNDLE, { token: reader })).json, label).toEqual(bundleBefore);
        expect(await analysisTotals(api), label).toEqual(totals);
      }
    });
  });

  it('refuses a bundle that lost 30 % of its symbols with the numbers; force is admin-only and then installs it', async () => {
    await withHost('shrink', async (_host, api) => {
      await publish(await syntheticFiles(10, 40));
      expect((await runTask(api, { task_type: 'download' })).status).toBe('success');
      const current = path.join(dir, 'shrink', 'bundles', 'current');
      const before = treeDigest(current);

      await publish(await syntheticFiles(7, 40));
      const refused = await runTask(api, { task_type: 'download' });
      expect(refused).toMatchObject({ status: 'failed', stage: 'unzip' });
      expect(refused.error).toMatch(
        /would remove 30 % of symbols \(10 → 7; MARKET_DATA_INSTALL_MAX_SYMBOL_LOSS allows 10 %\)/,
      );
      expect(refused.error).toMatch(/"force": true/);
      expect(treeDigest(current)).toEqual(before);

      const forbidden = await api.call('POST', TASKS, { token: writer, body: { task_type: 'download', force: true } });
      expect(forbidden.status).toBe(403);
      expect(forbidden.json).toMatchObject({ code: 'FORBIDDEN', required_role: 'MarketData.Admin' });
      const badForce = await api.call('POST', TASKS, { token: admin, body: { task_type: 'analyze', force: true } });
      expect(badForce).toMatchObject({ status: 400, json: { code: 'INVALID_REQUEST' } });

      const forced = await runTask(api, { task_type: 'download', force: true }, admin);
      expect(forced.status).toBe('success');
      expect(Object.keys(treeDigest(current)).filter((name) => name.startsWith('daily/'))).toHaveLength(7);
      const logs = await api.call('GET', `${TASKS}/${forced.task_id as string}/logs`, { token: reader });
      const lines = (logs.json.logs as { message: string }[]).map((line) => line.message).join('\n');
      expect(lines).toMatch(/Forced by e2e/);
      expect(lines).toMatch(/Forced install: it would remove 30 % of symbols/);
    });
  });

  it('rollback (through the CLI) restores the previous bundle byte for byte and its analysis, and is refused while a task runs or with nothing to restore', async () => {
    await withHost('rollback', async (host, api) => {
      const cli = (args: string[], token: string) =>
        runFile(process.execPath, [CLI, 'submit', ...args, '--url', host.url, '--token', token]).then(
          (done) => ({ code: 0, stdout: done.stdout, stderr: done.stderr }),
          (failed: { code: number; stdout: string; stderr: string }) => failed,
        );
      const nothing = await api.call('POST', TASKS, { token: admin, body: { task_type: 'rollback' } });
      expect(nothing).toMatchObject({ status: 409, json: { code: 'NO_PREVIOUS_BUNDLE' } });

      await publish(await syntheticFiles(6, 40, 1));
      expect((await runTask(api, { task_type: 'download' })).status).toBe('success');
      const current = path.join(dir, 'rollback', 'bundles', 'current');
      const first = { tree: treeDigest(current), bundle: (await api.call('GET', BUNDLE, { token: reader })).json };
      expect(first.bundle).toMatchObject({ previous: null, restored: false });
      const onlyOne = await cli(['rollback'], admin);
      expect(onlyOne.code).toBe(1);
      expect(onlyOne.stderr).toMatch(/no previous bundle generation to roll back to.*\[NO_PREVIOUS_BUNDLE\]/);

      const secondZip = await publish(await syntheticFiles(6, 45, 2));
      expect((await runTask(api, { task_type: 'download' })).status).toBe('success');
      const second = (await api.call('GET', BUNDLE, { token: reader })).json;
      expect(second.previous).toMatchObject({ checksum: first.bundle.checksum, source: server.url });
      expect(treeDigest(current)).not.toEqual(first.tree);

      // A slow download holds the mutex: the rollback waits its turn like any task.
      server.setRate(8 * 1024);
      await publish(await syntheticFiles(60, 200, 3));
      const blocking = await api.call('POST', TASKS, { token: writer, body: { task_type: 'download' } });
      await pollUntil(
        async () =>
          (await api.call('GET', `${TASKS}/${blocking.json.task_id as string}`, { token: reader })).json.status ===
          'running'
            ? true
            : undefined,
        { what: 'the blocking download to run' },
      );
      const busy = await api.call('POST', TASKS, { token: admin, body: { task_type: 'rollback' } });
      expect(busy).toMatchObject({
        status: 409,
        json: { code: 'TASK_RUNNING', active_task: { task_id: blocking.json.task_id } },
      });
      const busyCli = await cli(['rollback'], admin);
      expect(busyCli.stderr).toMatch(/已有任务正在运行.*\(active task .*\) \[TASK_RUNNING\]/);
      await api.call('POST', `${TASKS}/${blocking.json.task_id as string}/cancel`, { token: writer });
      await api.waitForEnd(blocking.json.task_id as string, reader);
      server.setRate(undefined);

      expect((await cli(['rollback'], writer)).stderr).toMatch(/MarketData\.Admin role \[FORBIDDEN\]/);
      const rolled = await cli(['rollback', '--wait'], admin);
      expect(rolled.code, rolled.stderr).toBe(0);
      expect(rolled.stdout).toMatch(/Task .* success: Analysis run/);
      expect(treeDigest(current)).toEqual(first.tree);
      const restored = (await api.call('GET', BUNDLE, { token: reader })).json;
      expect(restored).toMatchObject({
        checksum: first.bundle.checksum,
        source: first.bundle.source,
        restored: true,
        totals: first.bundle.totals,
        analysis_matches_bundle: true,
        previous: { checksum: second.checksum },
      });
      expect(restored.run_id).toBeGreaterThan(second.run_id as number);

      // The release that was rolled back is still what upstream serves: it is not installed again unforced.
      server.setFilePath(secondZip);
      const again = await runTask(api, { task_type: 'download' });
      expect(again, String(again.error)).toMatchObject({ status: 'failed', stage: 'unzip' });
      expect(again.error).toMatch(/is the bundle rolled back at .*; it is not installed again unless forced/);
      expect(treeDigest(current)).toEqual(first.tree);
    });
  });

  it('SIGKILL during a rollback: after a restart the same task finishes and leaves one whole bundle in each place', async () => {
    const dataDir = path.join(dir, 'killed');
    const current = path.join(dataDir, 'bundles', 'current');
    const previous = path.join(dataDir, 'bundles', 'previous');
    const env = { AUTH_JWT_SECRET: TEST_SECRET, MARKET_DATA_BUNDLE_URL: server.url };
    let host = await startAppHost({ dataDir, env });
    let api = createApiClient(host.url);
    let taskId: string;
    const trees: Record<string, string>[] = [];
    try {
      for (const seed of [4, 5]) {
        await publish(await syntheticFiles(40, 120, seed));
        expect((await runTask(api, { task_type: 'download' })).status).toBe('success');
        trees.push(treeDigest(current));
      }
      const submitted = await api.call('POST', TASKS, { token: admin, body: { task_type: 'rollback' } });
      expect(submitted.status).toBe(202);
      taskId = submitted.json.task_id as string;
      await pollUntil(
        async () =>
          (await api.call('GET', `${TASKS}/${taskId}`, { token: reader })).json.status === 'running' ? true : undefined,
        { intervalMs: 5, what: 'the rollback to run' },
      );
    } finally {
      await host.kill();
    }
    host = await startAppHost({ dataDir, env });
    try {
      api = createApiClient(host.url);
      const { task } = await api.waitForEnd(taskId, reader);
      expect(task).toMatchObject({ status: 'success', task_type: 'rollback', progress: 100 });
      expect(treeDigest(current)).toEqual(trees[0]);
      expect(treeDigest(previous)).toEqual(trees[1]);
      const bundle = (await api.call('GET', BUNDLE, { token: reader })).json;
      expect(bundle).toMatchObject({ restored: true, installed_by_task_id: taskId, analysis_matches_bundle: true });
    } finally {
      await host.stop();
    }
  });
});
