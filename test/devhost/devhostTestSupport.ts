// Shared helpers for devhost tests: fixture paths, temp dirs, hosts with captured logs, polling with a deadline.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { startDevhost, type DevhostOptions, type RunningDevhost } from '../../devhost/startDevhost.js';
import type { DevhostLogLevel } from '../../devhost/durable/types.js';

export const fixturesDir = path.join(__dirname, 'fixtures');
export const repoRoot = path.resolve(__dirname, '..', '..');

export function fixture(name: string): string {
  return path.join(fixturesDir, name);
}

export function createTempDir(prefix = 'devhost-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export interface LogLine {
  level: DevhostLogLevel;
  message: string;
}

export interface TestHost extends RunningDevhost {
  logs: LogLine[];
}

/** Starts a host on an ephemeral port with logs captured in memory; the caller stops it. */
export async function startTestHost(options: Omit<DevhostOptions, 'log'>): Promise<TestHost> {
  const logs: LogLine[] = [];
  const host = await startDevhost({
    port: 0,
    shutdownGraceMs: 5_000,
    ...options,
    log: (level, message) => logs.push({ level, message }),
  });
  return Object.assign(host, { logs });
}

/** Polls until check returns (or resolves to) a value other than undefined/false, or fails after timeoutMs. */
export async function waitFor<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export function readLines(file: string): string[] {
  return fs.existsSync(file)
    ? fs
        .readFileSync(file, 'utf8')
        .split('\n')
        .filter((line) => line !== '')
    : [];
}

/** Sets environment variables for a test and returns a function restoring the previous values. */
export function setEnv(values: Record<string, string | undefined>): () => void {
  const previous = Object.fromEntries(Object.keys(values).map((key) => [key, process.env[key]]));
  const apply = (entries: Record<string, string | undefined>): void => {
    for (const [key, value] of Object.entries(entries)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
  apply(values);
  return () => apply(previous);
}

/**
 * POSTs a raw chunked body (no content-length), so the server learns the size only while reading. A server may
 * answer and close before the whole body is written; the response still counts.
 */
export function postChunked(url: string, chunks: Buffer[]): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', (error: NodeJS.ErrnoException) => (error.code === 'EPIPE' ? undefined : reject(error)));
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}
