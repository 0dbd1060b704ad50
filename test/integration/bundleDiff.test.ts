import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTarGzWriter } from '../../scripts/bundleGenerator/createTarGzWriter';
import { generateBundlePair, type ExpectedDiff } from '../../scripts/bundleGenerator/generateBundlePair';
import type { BundleFormat } from '../../src/analysis/metricNames';
import { writeZip, type TreeFiles } from '../analysis/bundleTrees';
import { pollUntil, startAppHost, type AppHost } from './appHost';
import { createApiClient, TEST_SECRET, tokenFor } from './apiClient';
import { startBundleServer, type BundleServer } from './bundleServer';
import { treeDigest } from './treeDigest';

const TASKS = '/api/market-data/tasks';
const DIFF = '/api/market-data/bundle/diff';
const CLI = path.resolve(__dirname, '..', '..', 'dist', 'scripts', 'cli.js');
const runFile = promisify(execFile);

/** The counts of each symbol as the expectation books them (the API adds the ratio, the CLI also samples). */
function countsOf(symbols: Record<string, unknown>[]): Record<string, unknown> {
  return Object.fromEntries(
    symbols.map(({ symbol, samples: _s, readjust_ratio: _r, ...rest }) => [symbol as string, rest]),
  );
}

describe('the bundle diff through download tasks on the devhost, the API and the CLI', () => {
  let dir: string;
  let server: BundleServer;
  let writer: string;
  let reader: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'mdt-diff-'));
    server = await startBundleServer({ filePath: await writeZip(path.join(dir, 'empty.zip'), {}), acceptRanges: true });
    [writer, reader] = await Promise.all([tokenFor(['MarketData.Write']), tokenFor([])]);
  });

  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A bundle pair as archives: zips for csv-daily, qlib_bin/ tar.gz archives (as the community ships) for qlib. */
  async function writePair(
    name: string,
    options: { symbols: number; days: number; format: BundleFormat },
  ): Promise<{ old: string; new: string; expected: ExpectedDiff }> {
    const seed = 23;
    if (options.format === 'qlib-bin') {
      const paths = { old: path.join(dir, `${name}-old.tar.gz`), new: path.join(dir, `${name}-new.tar.gz`) };
      const writers = { old: createTarGzWriter(paths.old), new: createTarGzWriter(paths.new) };
      const expected = await generateBundlePair(
        { ...options, extraDays: 4, seed },
        {
          old: (file, data) => writers.old.addFile(`qlib_bin/${file}`, data),
          new: (file, data) => writers.new.addFile(`qlib_bin/${file}`, data),
        },
      );
      await Promise.all([writers.old.close(), writers.new.close()]);
      return { ...paths, expected };
    }
    const files: Record<'old' | 'new', TreeFiles> = { old: {}, new: {} };
    const expected = await generateBundlePair(
      { ...options, extraDays: 4, seed },
      {
        old: (file, data) => Promise.resolve(void (files.old[file] = data)),
        new: (file, data) => Promise.resolve(void (files.new[file] = data)),
      },
    );
    return {
      old: await writeZip(path.join(dir, `${name}-old.zip`), files.old),
      new: await writeZip(path.join(dir, `${name}-new.zip`), files.new),
      expected,
    };
  }

  async function withHost<T>(
    name: string,
    run: (api: ReturnType<typeof createApiClient>, host: AppHost) => Promise<T>,
  ) {
    const host = await startAppHost({
      dataDir: path.join(dir, name),
      env: { AUTH_JWT_SECRET: TEST_SECRET, MARKET_DATA_BUNDLE_URL: server.url },
    });
    try {
      return await run(createApiClient(host.url), host);
    } finally {
      await host.stop();
    }
  }

  async function download(api: ReturnType<typeof createApiClient>): Promise<Record<string, unknown>> {
    const submitted = await api.call('POST', TASKS, { token: writer, body: { task_type: 'download' } });
    expect(submitted.status).toBe(202);
    const { task, seen } = await api.waitForEnd(submitted.json.task_id as string, reader, 120_000);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
    return task as Record<string, unknown>;
  }

  for (const format of ['csv-daily', 'qlib-bin'] as const) {
    it(`${format}: a first install has nothing to compare with; the next one's diff is exactly the booked changes`, async () => {
      const pair = await writePair(format, { symbols: 40, days: 90, format });
      await withHost(format, async (api) => {
        server.setFilePath(pair.old);
        expect(await download(api)).toMatchObject({ status: 'success', progress: 100 });
        const first = await api.call('GET', DIFF, { token: reader });
        expect(first.status).toBe(200);
        expect(first.json).toMatchObject({
          from: null,
          previous_generation: false,
          matches_bundle: true,
          totals: null,
          symbols: [],
          message: 'This is the first bundle installed: there is no previous generation to compare it with.',
        });

        server.setFilePath(pair.new);
        const task = await download(api);
        expect(task).toMatchObject({ status: 'success', progress: 100 });
        const { totals } = pair.expected;
        const sentence =
          `${totals.symbols_restated} symbols restated ${totals.rows_restated} rows; ${totals.symbols_readjusted} re-adjusted; ` +
          `${totals.symbols_added} symbols added; ${totals.symbols_removed} removed; ${totals.days_added} new days`;
        const logs = await api.call('GET', `${TASKS}/${task.task_id as string}/logs?limit=1000`, { token: reader });
        const diffLines = (logs.json.logs as { stage: string; message: string }[]).filter((l) => l.stage === 'diff');
        expect(diffLines.map((line) => line.message)).toContain(`${sentence}.`);

        const bundle = (await api.call('GET', '/api/market-data/bundle', { token: reader })).json;
        const diff = await api.call('GET', `${DIFF}?limit=1000`, { token: reader });
        expect(diff.status).toBe(200);
        expect(diff.json).toMatchObject({
          diff_id: bundle.diff_id,
          task_id: task.task_id,
          matches_bundle: true,
          previous_generation: true,
          from: { format, bundle_id: first.json.to.bundle_id },
          to: { format, checksum: bundle.checksum, installed_by_task_id: task.task_id },
          totals,
          total: Object.keys(pair.expected.symbols).length,
        });
        expect(countsOf(diff.json.symbols)).toEqual(pair.expected.symbols);
        const restatedFirst = diff.json.symbols as { symbol: string; rows_restated: number }[];
        expect(restatedFirst.slice(0, totals.symbols_restated).every((s) => s.rows_restated > 0)).toBe(true);

        const page = await api.call('GET', `${DIFF}?change=added&sort=symbol&limit=2&offset=1`, { token: reader });
        const added = Object.keys(pair.expected.symbols).filter((s) => pair.expected.symbols[s]!.change === 'added');
        expect(page.json).toMatchObject({ total: added.length, limit: 2, offset: 1 });
        expect(page.json.symbols.map((s: { symbol: string }) => s.symbol)).toEqual(added.sort().slice(1, 3));
        const byRemoved = await api.call('GET', `${DIFF}?sort=-rows_removed&limit=1`, { token: reader });
        expect(byRemoved.json.symbols[0].change).toBe('removed');
        expect((await api.call('GET', `${DIFF}?sort=volume`, { token: reader })).json.code).toBe('INVALID_REQUEST');
        expect(await api.call('GET', `${DIFF}?diff_id=999`, { token: reader })).toMatchObject({
          status: 404,
          json: { code: 'NO_DIFF' },
        });
        expect((await api.call('GET', DIFF, {})).status).toBe(401);

        const restated = restatedFirst[0]!.symbol;
        const samples = await api.call('GET', `${DIFF}/symbols/${encodeURIComponent(restated)}`, { token: reader });
        expect(samples.status).toBe(200);
        expect(samples.json).toMatchObject({ symbol: restated, diff_id: bundle.diff_id, rows_restated: 2 });
        expect(samples.json.samples).toEqual([
          expect.objectContaining({ field: 'close', trade_date: samples.json.first_restated_date }),
          expect.objectContaining({ field: 'close', trade_date: samples.json.last_restated_date }),
        ]);
        const unchanged = await api.call('GET', `${DIFF}/symbols/NOPE.SH`, { token: reader });
        expect(unchanged).toMatchObject({ status: 404, json: { code: 'NOT_FOUND' } });

        // The CLI on the two archives says the same as the API.
        const cli = await runFile(process.execPath, [CLI, 'diff', pair.old, pair.new, '--json'], {
          maxBuffer: 64 * 1024 * 1024,
        });
        const report = JSON.parse(cli.stdout) as { totals: unknown; symbols: Record<string, unknown>[] };
        expect(report.totals).toEqual(diff.json.totals);
        expect(report.symbols.map(({ samples: _s, ...rest }) => rest)).toEqual(diff.json.symbols);
        expect(report.symbols.find((s) => s.symbol === restated)?.samples).toEqual(samples.json.samples);
      });
    });
  }

  it('a cancel during the diff, and a SIGKILL during the diff, leave the installed bundle and the previous diff as they were', async () => {
    // Big enough that the diff outlasts a heartbeat (when a cancel is seen) on a busy machine.
    const pair = await writePair('big', { symbols: 3000, days: 200, format: 'csv-daily' });
    const dataDir = path.join(dir, 'interrupted');
    const current = path.join(dataDir, 'bundles', 'current');
    const env = { AUTH_JWT_SECRET: TEST_SECRET, MARKET_DATA_BUNDLE_URL: server.url };
    const readLatestDiff = (): unknown => {
      const db = new Database(path.join(dataDir, 'market_data.sqlite3'), { readonly: true });
      try {
        return db
          .prepare('SELECT diff_id, to_bundle_id FROM market_data_bundle_diffs ORDER BY diff_id DESC LIMIT 1')
          .get();
      } finally {
        db.close();
      }
    };
    let host = await startAppHost({ dataDir, env });
    let api = createApiClient(host.url);
    let killedTask: string;
    let firstDiff: unknown;
    let oldTree: Record<string, string>;
    try {
      server.setFilePath(pair.old);
      expect(await download(api)).toMatchObject({ status: 'success' });
      oldTree = treeDigest(current);
      firstDiff = (await api.call('GET', DIFF, { token: reader })).json;

      server.setFilePath(pair.new);
      const submitted = await api.call('POST', TASKS, { token: writer, body: { task_type: 'download' } });
      const taskId = submitted.json.task_id as string;
      const stageOf = async () => (await api.call('GET', `${TASKS}/${taskId}`, { token: reader })).json.stage as string;
      await pollUntil(async () => ((await stageOf()) === 'diff' ? true : undefined), {
        intervalMs: 5,
        timeoutMs: 120_000,
        what: 'the diff stage',
      });
      await api.call('POST', `${TASKS}/${taskId}/cancel`, { token: writer });
      const { task } = await api.waitForEnd(taskId, reader, 120_000);
      expect(task).toMatchObject({ status: 'cancelled', stage: 'diff' });
      // The new bundle stays installed (the diff never touches it), and the previous diff is still the one served.
      const bundle = (await api.call('GET', '/api/market-data/bundle', { token: reader })).json;
      expect(bundle).toMatchObject({
        installed_by_task_id: taskId,
        diff_id: (firstDiff as { diff_id: number }).diff_id,
      });
      expect((await api.call('GET', DIFF, { token: reader })).json).toEqual({
        ...(firstDiff as object),
        matches_bundle: false,
      });
      const installedTree = treeDigest(current);

      // Now a SIGKILL in the middle of the diff of a rollback (which compares the same two bundles).
      const admin = await tokenFor(['MarketData.Admin']);
      const rollback = await api.call('POST', TASKS, { token: admin, body: { task_type: 'rollback' } });
      killedTask = rollback.json.task_id as string;
      await pollUntil(
        async () =>
          (await api.call('GET', `${TASKS}/${killedTask}`, { token: reader })).json.stage === 'diff' ? true : undefined,
        { intervalMs: 5, timeoutMs: 120_000, what: "the rollback's diff stage" },
      );
      await host.kill();
      expect(readLatestDiff()).toEqual({
        diff_id: (firstDiff as { diff_id: number }).diff_id,
        to_bundle_id: (firstDiff as { to: { bundle_id: number } }).to.bundle_id,
      });
      // The rollback's exchange was done before its diff, which left the restored bundle whole.
      expect(treeDigest(current)).not.toEqual(installedTree);
      expect(treeDigest(current)).toEqual(oldTree);
    } finally {
      await host.kill();
    }
    host = await startAppHost({ dataDir, env });
    try {
      api = createApiClient(host.url);
      const { task } = await api.waitForEnd(killedTask, reader, 120_000);
      expect(task).toMatchObject({ status: 'success', task_type: 'rollback' });
      const after = (await api.call('GET', DIFF, { token: reader })).json;
      const { totals } = pair.expected;
      // What the rollback changed is the way back from the new bundle to the old one.
      expect(after).toMatchObject({
        matches_bundle: true,
        totals: { symbols_added: totals.symbols_removed, symbols_removed: totals.symbols_added, days_removed: 4 },
      });
    } finally {
      await host.stop();
    }
  });
});
