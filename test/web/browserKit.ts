import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type ConsoleMessage, type Page } from 'playwright-core';

const root = path.resolve(__dirname, '..', '..');
/** Screenshots of the main states, for people to look at (git-ignored). */
export const SCREENSHOT_DIR = path.join(root, 'test-results', 'screenshots');
export const CHROMIUM = '/usr/bin/chromium';

/** Debian's Chromium, headless; Playwright gives every launch a fresh temporary profile (user-data dir). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

export interface WatchedPage {
  readonly page: Page;
  readonly context: BrowserContext;
  /** Console errors and uncaught exceptions so far, except those matching `expected`. */
  readonly unexpectedErrors: () => string[];
  /** Console errors that did match `expected` (the browser logs every 4xx/5xx and failed fetch as an error). */
  readonly expectedErrors: () => string[];
  readonly screenshot: (name: string) => Promise<void>;
  readonly close: () => Promise<void>;
}

export interface OpenOptions {
  /** Put into the link's fragment, as `npm start`'s one-click link does. */
  readonly token?: string;
  readonly width?: number;
  /** Console errors this scenario causes on purpose (e.g. the 409 of a second click). */
  readonly expected?: readonly RegExp[];
  /** Run before the page loads (e.g. blocking a route). */
  readonly prepare?: (page: Page) => Promise<void>;
}

/** Opens the dashboard in a fresh browser context and records every console error and page error. */
export async function openDashboard(
  browser: Browser,
  baseUrl: string,
  options: OpenOptions = {},
): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport: { width: options.width ?? 1280, height: 900 } });
  // Reads and actions give up after 15 s instead of Playwright's 30 s: a poll waits for each read it makes, so one
  // read that never answers would otherwise use up a poll's whole time.
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (message: ConsoleMessage) => {
    if (message.type() === 'error') errors.push(`${message.text()} @ ${message.location().url}`);
  });
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  await options.prepare?.(page);
  const fragment = options.token === undefined ? '' : `#token=${options.token}`;
  await page.goto(`${baseUrl}/api/market-data/dashboard${fragment}`);
  const expected = options.expected ?? [];
  const isExpected = (text: string): boolean => expected.some((pattern) => pattern.test(text));
  return {
    page,
    context,
    unexpectedErrors: () => errors.filter((text) => !isExpected(text)),
    expectedErrors: () => errors.filter(isExpected),
    async screenshot(name) {
      mkdirSync(SCREENSHOT_DIR, { recursive: true });
      await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
    },
    close: () => context.close(),
  };
}

/**
 * How far the page reaches past the window's right edge (0 when nothing overflows). Read it with `expect.poll` after a
 * resize: the charts and tables take the new width on the next frames, not at once.
 */
export function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => {
    const view = globalThis as any;
    return Math.max(0, (view.document.documentElement.scrollWidth as number) - (view.innerWidth as number));
  });
}
