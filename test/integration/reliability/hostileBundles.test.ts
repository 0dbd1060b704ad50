import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAppHost, type AppHost } from '../appHost';
import { createApiClient, TEST_SECRET, tokenFor } from '../apiClient';
import { startBundleServer, type BundleServer } from '../bundleServer';
import { treeFingerprint } from '../treeDigest';
import { HOSTILE_BUNDLES, dailyCsv, noiseBytes } from './hostileArchives';
import { readProcessStats } from './processStats';
import { writeZip } from '../../analysis/bundleTrees';

const TASKS = '/api/market-data/tasks';
/** Resident memory the host may reach while it handles a hostile bundle. */
const MAX_RSS = 768 * 2 ** 20;
/** How long handling one may take, end to end, on a busy two-core machine. */
const MAX_SECONDS = 90;
const installedFiles = Object.fromEntries(
  Array.from({ length: 8 }, (_, i) => [`daily/60000${i}.SH.csv`, dailyCsv(60)] as const),
);

describe('hostile bundles: each refused with a clear message, in bounded time and memory, bundles/current unchanged (devhost)', () => {
  let dir: string;
  let server: BundleServer;
  let host: AppHost;
  let api: ReturnType<typeof createApiClient>;
  let writer: string;
  let reader: string;
  let current: string;
  let installed: { tree: string | null; bundle: unknown };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'mdt-hostile-'));
    server = await startBundleServer({
      filePath: await writeZip(path.join(dir, 'good.zip'), installedFiles),
      acceptRanges: true,
    });
    // The shrink guard is off, so each hostile feature has to be caught by what it is, not by the bundle's size.
    host = await startAppHost({
      dataDir: path.join(dir, 'data'),
      env: {
        AUTH_JWT_SECRET: TEST_SECRET,
        MARKET_DATA_BUNDLE_URL: server.url,
        MARKET_DATA_INSTALL_MAX_SYMBOL_LOSS: '100',
        MARKET_DATA_INSTALL_MAX_ROW_LOSS: '100',
      },
    });
    api = createApiClient(host.url);
    [writer, reader] = await Promise.all([tokenFor(['MarketData.Write']), tokenFor([])]);
    const first = await api.call('POST', TASKS, { token: writer, body: { task_type: 'download' } });
    expect((await api.waitForEnd(first.json.task_id as string, reader)).task.status).toBe('success');
    current = path.join(dir, 'data', 'bundles', 'current');
    installed = {
      tree: treeFingerprint(current),
      bundle: (await api.call('GET', '/api/market-data/bundle', { token: reader })).json,
    };
  }, 120_000);

  afterAll(async () => {
    await host?.stop();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Runs a download of whatever the server now serves; returns the ended task, its duration and peak RSS. */
  async function download() {
    let peak = 0;
    const sampler = setInterval(() => {
      peak = Math.max(peak, readProcessStats(host.child.pid!).rssBytes);
    }, 20);
    const started = Date.now();
    try {
      const submitted = await api.call('POST', TASKS, { token: writer, body: { task_type: 'download' } });
      expect(submitted.status).toBe(202);
      const { task } = await api.waitForEnd(submitted.json.task_id as string, reader, MAX_SECONDS * 1000);
      return { task, seconds: (Date.now() - started) / 1000, peak };
    } finally {
      clearInterval(sampler);
    }
  }

  async function expectUnchanged(): Promise<void> {
    expect(treeFingerprint(current), 'bundles/current').toBe(installed.tree);
    expect((await api.call('GET', '/api/market-data/bundle', { token: reader })).json).toEqual(installed.bundle);
  }

  for (const hostile of HOSTILE_BUNDLES) {
    it(`${hostile.name}: the task fails saying so`, async () => {
      const archive = await hostile.build(dir);
      server.setFilePath(archive);
      const { task, seconds, peak } = await download();
      console.log(
        `${hostile.name} (${(statSync(archive).size / 2 ** 10).toFixed(0)} KiB): ${task.status as string} in ` +
          `${seconds.toFixed(1)} s, peak RSS ${(peak / 2 ** 20).toFixed(0)} MB: ${task.error as string}`,
      );
      expect(task).toMatchObject({ status: 'failed', error: expect.stringMatching(hostile.error) });
      expect(String(task.error)).not.toMatch(/\n\s+at |internal error/i);
      expect(peak, 'peak resident memory').toBeLessThan(MAX_RSS);
      await expectUnchanged();
      rmSync(archive, { force: true });
    }, 180_000);
  }

  it('a server that sends more bytes than its Content-Length: only the declared bytes are taken, and refused', async () => {
    const files = Object.fromEntries(
      Array.from({ length: 8 }, (_, i) => [`daily/60010${i}.SH.csv`, dailyCsv(80)] as const),
    );
    const archive = await writeZip(path.join(dir, 'lying.zip'), files);
    server.setFilePath(archive);
    server.setDeclaredLength(Math.floor(statSync(archive).size / 2));
    try {
      const { task } = await download();
      expect(task).toMatchObject({ status: 'failed', error: expect.stringMatching(/Corrupt or truncated archive/) });
      await expectUnchanged();
    } finally {
      server.setDeclaredLength(undefined);
    }
  }, 180_000);

  it('a 10 MB data line among good rows installs, and the analysis reports the row, in bounded memory', async () => {
    const good = dailyCsv(60).split('\n');
    const line = noiseBytes(7.5 * 2 ** 20, 4).toString('base64');
    const text = [...good.slice(0, 30), line, ...good.slice(30)].join('\n');
    const files = { ...installedFiles, 'daily/600009.SH.csv': text };
    server.setFilePath(await writeZip(path.join(dir, 'long-row.zip'), files));
    const { task, peak } = await download();
    expect(task.status, String(task.error)).toBe('success');
    expect(peak, 'peak resident memory').toBeLessThan(MAX_RSS);
    const symbols = (await api.call('GET', '/api/market-data/bundle/symbols?q=600009', { token: reader })).json;
    expect(symbols.symbols).toEqual([
      expect.objectContaining({ symbol: '600009.SH', parse_error_rows: 1, missing_days: 0, last_date: '2024-03-25' }),
    ]);
  }, 180_000);

  it('GB18030 text is decoded, not refused: the bundle installs and its symbols are analysed', async () => {
    // 日期,开盘,最高,最低,收盘,成交量 in GB18030 (a GBK export from Chinese Windows): not valid UTF-8.
    const header = Buffer.from('C8D5C6DA2CBFAAC5CC2CD7EEB8DF2CD7EEB5CD2CCAD5C5CC2CB3C9BDBBC1BF0A', 'hex');
    const rows = dailyCsv(60).slice(dailyCsv(60).indexOf('\n') + 1);
    const files = Object.fromEntries(
      Array.from({ length: 8 }, (_, i) => [`daily/60020${i}.SH.csv`, Buffer.concat([header, Buffer.from(rows)])]),
    );
    server.setFilePath(await writeZip(path.join(dir, 'gb18030.zip'), files));
    const { task } = await download();
    expect(task.status, String(task.error)).toBe('success');
    const bundle = (await api.call('GET', '/api/market-data/bundle', { token: reader })).json;
    expect(bundle).toMatchObject({ analysis_matches_bundle: true, totals: { symbol_count: 8, rows_written: 8 * 60 } });
    expect(treeFingerprint(current)).not.toBe(installed.tree);
  }, 180_000);
});
