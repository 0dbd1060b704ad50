// `npm run screenshot:dashboard`: the README's picture, taken from the real page. Runs `npm start`'s script on a
// fresh data directory (demo bundle), follows its one-click link in Debian's Chromium, downloads the demo bundle
// from the page and photographs the result into docs/dashboard.png.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

const root = path.resolve(__dirname, '..', '..');
const out = path.join(root, 'docs', 'dashboard.png');

async function main(): Promise<void> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'mdt-screenshot-'));
  const env: NodeJS.ProcessEnv = { ...process.env, MARKET_DATA_HOME: dataDir, PORT: '0' };
  for (const key of Object.keys(env)) if (key.startsWith('AUTH_') || key === 'MARKET_DATA_BUNDLE_URL') delete env[key];
  const child = spawn(process.execPath, [path.join(root, 'dist', 'scripts', 'start.js')], { env, stdio: 'pipe' });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
  });
  try {
    const link = await waitFor(() => /Dashboard \(opens signed in\):\n\s+(\S+)/.exec(output)?.[1], 120_000);
    const page = await browser.newPage({ viewport: { width: 1280, height: 2080 } });
    await page.goto(link);
    const current = page.getByRole('region', { name: '当前任务' });
    await current.getByRole('button', { name: '下载/更新数据' }).click();
    await page.locator('#current .badge', { hasText: '成功' }).waitFor({ timeout: 120_000 });
    await page.locator('#bundle canvas').first().waitFor({ timeout: 30_000 });
    // Let the chart finish its first layout.
    await page.waitForTimeout(500);
    mkdirSync(path.dirname(out), { recursive: true });
    await page.screenshot({ path: out });
    process.stdout.write(`Wrote ${out}\n`);
  } finally {
    await browser.close();
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function waitFor<T>(probe: () => T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('npm start did not print the dashboard link in time');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
