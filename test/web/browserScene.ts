import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { startAppHost, type AppHost } from '../integration/appHost';
import { createApiClient, makeBundle, TEST_SECRET, tokenFor } from '../integration/apiClient';
import { startBundleServer, type BundleServer } from '../integration/bundleServer';
import { launchChromium } from './browserKit';

/** A fresh app on the devhost, serving a 100 × 250 bundle from a loopback server whose rate a test sets, and Chromium. */
export interface BrowserScene {
  readonly server: BundleServer;
  readonly host: AppHost;
  /** The app's data directory (its SQLite file is `market_data.sqlite3` there). */
  readonly dataDir: string;
  readonly browser: Browser;
  readonly api: ReturnType<typeof createApiClient>;
  /** A MarketData.Write token valid for an hour, and a read-only one. */
  readonly writer: string;
  readonly reader: string;
  /** Closes the browser, stops the host and the server, and deletes the files. */
  stop(): Promise<void>;
}

/** Starts the scene; what started before a failure is stopped again, so a failed start leaves nothing running. */
export async function startBrowserScene(prefix: string): Promise<BrowserScene> {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  const dataDir = path.join(dir, 'data');
  let server: BundleServer | undefined;
  let host: AppHost | undefined;
  let browser: Browser | undefined;
  const stop = async (): Promise<void> => {
    await browser?.close();
    await host?.stop();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    server = await startBundleServer({ filePath: makeBundle(dir, 100, 250), acceptRanges: true });
    host = await startAppHost({ dataDir, env: { AUTH_JWT_SECRET: TEST_SECRET, MARKET_DATA_BUNDLE_URL: server.url } });
    browser = await launchChromium();
    return {
      server,
      host,
      dataDir,
      browser,
      api: createApiClient(host.url),
      writer: await tokenFor(['MarketData.Write'], { ttlSeconds: 3600 }),
      reader: await tokenFor([]),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
