import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { mintToken } from '../../src/auth';
import { pollUntil } from './appHost';

export const TEST_SECRET = 'e2e-secret-that-is-at-least-32-bytes-long!';
const root = path.resolve(__dirname, '..', '..');

export interface ApiResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly json: any;
}

export function tokenFor(roles: string[], options: { ttlSeconds?: number; secret?: string } = {}): Promise<string> {
  return mintToken({
    secret: options.secret ?? TEST_SECRET,
    subject: 'e2e',
    roles,
    ttlSeconds: options.ttlSeconds ?? 3600,
  });
}

/** A small JSON client for the API under test. */
export function createApiClient(baseUrl: string) {
  async function call(
    method: string,
    pathAndQuery: string,
    options: { token?: string | null; body?: unknown; rawBody?: string } = {},
  ): Promise<ApiResponse> {
    const headers: Record<string, string> = {};
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | undefined;
    if (options.rawBody !== undefined) body = options.rawBody;
    else if (options.body !== undefined) body = JSON.stringify(options.body);
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${baseUrl}${pathAndQuery}`, { method, headers, body });
    const text = await response.text();
    let json: unknown;
    try {
      json = text === '' ? null : JSON.parse(text);
    } catch {
      json = text;
    }
    return { status: response.status, headers: response.headers, json };
  }

  return {
    call,
    /** Polls a task until it reaches an end state; returns it with every progress value seen on the way. */
    async waitForEnd(taskId: string, token: string, timeoutMs = 60_000) {
      const seen: number[] = [];
      const task = await pollUntil(
        async () => {
          const response = await call('GET', `/api/market-data/tasks/${taskId}`, { token });
          if (response.status !== 200) throw new Error(`GET task answered ${response.status}`);
          seen.push(response.json.progress as number);
          return ['success', 'failed', 'cancelled'].includes(response.json.status as string)
            ? response.json
            : undefined;
        },
        { timeoutMs, intervalMs: 50, what: `task ${taskId} to finish` },
      );
      return { task, seen };
    },
  };
}

/** Writes a synthetic bundle with the project's own generator CLI (compiled), returning the zip path. */
export function makeBundle(outDir: string, symbols: number, days: number, seed = 7): string {
  const out = path.join(outDir, `bundle-${symbols}x${days}-${seed}.zip`);
  execFileSync(
    process.execPath,
    [
      path.join(root, 'dist', 'scripts', 'cli.js'),
      'make-bundle',
      '--symbols',
      String(symbols),
      '--days',
      String(days),
      '--seed',
      String(seed),
      '--out',
      out,
    ],
    { stdio: 'pipe' },
  );
  return out;
}
