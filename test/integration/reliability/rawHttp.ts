import http from 'node:http';
import { Readable } from 'node:stream';
import { expect } from 'vitest';

export interface RawResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly text: string;
  readonly json: any;
}

export interface RawRequest {
  readonly method?: string;
  /** Sent exactly as written: no URL normalisation, so `..`, `%2F` and bad escapes reach the host. */
  readonly path: string;
  readonly headers?: Record<string, string | number>;
  /** A string, or chunks pulled one at a time (never held together in memory). */
  readonly body?: string | Buffer | (() => Iterable<Buffer>);
  readonly timeoutMs?: number;
}

/**
 * A fresh connection per request: a host may close a connection after refusing a request (an oversized header),
 * and a reused socket would then fail the next request on it for a reason that is not the one under test.
 */
const agent = new http.Agent({ keepAlive: false, maxSockets: 64 });

/**
 * One request over loopback with node:http. Resolves with the response as soon as it has been read, even when the
 * server answered before the body was sent in full (it may then close the socket under the upload).
 */
export function rawRequest(origin: string, request: RawRequest): Promise<RawResponse> {
  const url = new URL(origin);
  return new Promise<RawResponse>((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => {
      req.destroy();
      fail(new Error(`${request.method ?? 'GET'} ${request.path.slice(0, 120)}: no answer in ${request.timeoutMs}`));
    }, request.timeoutMs ?? 30_000);
    const fail = (error: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(error);
    };
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        method: request.method ?? 'GET',
        path: request.path,
        headers: request.headers,
        agent,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', fail);
        res.on('end', () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = text === '' ? null : JSON.parse(text);
          } catch {
            json = null;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
      },
    );
    // Once the server answers it may close the socket while we still upload: that is not a failure.
    req.on('error', (error) => {
      if (!req.writableFinished && (error as NodeJS.ErrnoException).code === 'EPIPE') return;
      fail(error);
    });
    const body = request.body;
    if (typeof body === 'function') {
      const source = Readable.from(body());
      source.on('error', fail);
      source.pipe(req);
      req.on('response', () => source.unpipe(req));
    } else {
      req.end(body);
    }
  });
}

/** Chunks of `totalBytes` in 64 KiB pieces, made on demand: a 50 MB body never exists at once. */
export function* generateBytes(totalBytes: number, fill = 0x20): Iterable<Buffer> {
  const chunk = Buffer.alloc(64 * 1024, fill);
  for (let sent = 0; sent < totalBytes; sent += chunk.length) {
    yield sent + chunk.length <= totalBytes ? chunk : chunk.subarray(0, totalBytes - sent);
  }
}

/** What a stack trace or an internal detail looks like in a response body. */
const LEAK = /\bat [\w.<>]+ \(|node:internal|\.(?:ts|js):\d+|Error: |SqliteError|SQLITE_|\/src\/|\/dist\//;

/** Asserts a refusal the way the API promises it: the status, JSON `{ error, code }`, and no internals. */
export function expectCleanRefusal(response: RawResponse, status: number, code: string, what: string): void {
  expect(response.status, `${what}: ${response.text.slice(0, 300)}`).toBe(status);
  expect(response.headers['content-type'], what).toMatch(/^application\/json/);
  expect(response.json, what).toMatchObject({ error: expect.any(String), code });
  expect(response.text, what).not.toMatch(LEAK);
}

/** For answers the host gives before the app runs (an unrouted path): a 4xx and no internals. */
export function expectNoLeak(response: RawResponse, what: string): void {
  expect(response.status, what).toBeGreaterThanOrEqual(400);
  expect(response.status, what).toBeLessThan(500);
  expect(response.text, what).not.toMatch(LEAK);
}
