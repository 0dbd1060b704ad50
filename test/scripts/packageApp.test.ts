import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient, makeBundle, TEST_SECRET, tokenFor } from '../integration/apiClient';
import { startAppHost, type AppHost } from '../integration/appHost';
import { startBundleServer, type BundleServer } from '../integration/bundleServer';

const root = path.resolve(__dirname, '..', '..');

/** Every file below `dir`, as forward-slash paths relative to it. */
function listFiles(dir: string, prefix = ''): string[] {
  return readdirSync(path.join(dir, prefix), { withFileTypes: true }).flatMap((entry) => {
    const relative = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    return entry.isDirectory() ? listFiles(dir, relative) : [relative];
  });
}

describe('npm run package: the deployment zip runs on its own', () => {
  let dir: string;
  let app: string;
  let files: string[];
  let host: AppHost | undefined;
  let server: BundleServer | undefined;

  // Packaging once serves every test in this file. npm ci --omit=dev runs offline: the project's own install put
  // every locked tarball in the npm cache, and tests talk to nothing but loopback.
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'mdt-package-test-'));
    const zip = path.join(dir, 'app.zip');
    const packaged = spawnSync(process.execPath, [path.join(root, 'dist', 'scripts', 'packageApp.js'), '--out', zip], {
      encoding: 'utf8',
      timeout: 240_000,
      env: { ...process.env, npm_config_offline: 'true' },
    });
    expect(packaged.stderr).toBe('');
    expect(packaged.status).toBe(0);
    expect(packaged.stdout).toContain(`Built for Node ${process.versions.node.split('.')[0]} on linux-x64`);
    // Unpacked by an independent zip reader (Python's), as Azure's would, into an empty folder.
    app = path.join(dir, 'wwwroot');
    mkdirSync(app);
    execFileSync('/usr/bin/python3', ['-m', 'zipfile', '-e', zip, app]);
    files = listFiles(app);
  }, 300_000);

  afterAll(async () => {
    await host?.stop();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('holds host.json, package.json, the compiled app and production node_modules, and nothing .funcignore drops', () => {
    for (const file of [
      'host.json',
      'package.json',
      'dist/src/index.js',
      'node_modules/durable-functions/package.json',
    ]) {
      expect(files).toContain(file);
    }
    expect(files).toContain('node_modules/better-sqlite3/build/Release/better_sqlite3.node');
    const dropped = files.filter((file) =>
      /^(src|test|bench|devhost|scripts|data|dist\/(test|bench|devhost|scripts|deploy))\/|\.ts$|\.js\.map$|^local\.settings\.json$/.test(
        file,
      ),
    );
    expect(dropped).toEqual([]);
    for (const devOnly of ['typescript', 'vitest', 'eslint', 'azurite', 'playwright-core']) {
      expect(existsSync(path.join(app, 'node_modules', devOnly)), devOnly).toBe(false);
      expect(() => require.resolve(devOnly, { paths: [app] }), devOnly).toThrow();
    }
  });

  it('runs under the devhost: lists the functions, registers the timer and completes a download', async () => {
    const work = path.join(dir, 'work');
    mkdirSync(work);
    server = await startBundleServer({ filePath: makeBundle(work, 20, 40), acceptRanges: true });
    host = await startAppHost({
      appDir: app,
      dataDir: path.join(work, 'data'),
      env: { AUTH_JWT_SECRET: TEST_SECRET, MARKET_DATA_BUNDLE_URL: server.url, MARKET_DATA_SCHEDULE: '0 0 18 * * 1-5' },
    });
    const listing = host.output();
    for (const name of ['health', 'submitTask', 'marketDataPipeline', 'downloadBundle', 'reconcileTasks']) {
      expect(listing).toMatch(new RegExp(`^\\s+${name}: `, 'm'));
    }
    expect(listing).toMatch(/^\s+scheduledDownload: timerTrigger \(schedule: 0 0 18 \* \* 1-5, next run: \d{4}-/m);

    const api = createApiClient(host.url);
    const token = await tokenFor(['MarketData.Write']);
    const submitted = await api.call('POST', '/api/market-data/tasks', { token, body: { task_type: 'download' } });
    expect(submitted.status).toBe(202);
    const { task } = await api.waitForEnd(submitted.json.task_id as string, token, 120_000);
    expect(task).toMatchObject({ status: 'success', progress: 100, error: null });
    const bundle = await api.call('GET', '/api/market-data/bundle', { token });
    expect(bundle.json).toMatchObject({ source: server.url, analysis_matches_bundle: true });

    // The dashboard ships too: its page, its compiled modules and ECharts from production node_modules.
    for (const asset of ['', '/assets/main.js', '/assets/echarts.js', '/assets/dashboard.css']) {
      const served = await fetch(`${host.url}/api/market-data/dashboard${asset}`);
      expect(served.status, asset).toBe(200);
      expect((await served.arrayBuffer()).byteLength, asset).toBeGreaterThan(100);
    }
  });
});
