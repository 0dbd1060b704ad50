import { spawn } from 'node:child_process';

export interface LoadResult {
  /** Mean requests per second over the run. */
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Connection errors, timeouts and non-2xx answers together. */
  readonly errors: number;
  readonly total: number;
}

interface AutocannonJson {
  requests: { average: number };
  latency: { p50: number; p99: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  '2xx': number;
}

const cli = require.resolve('autocannon/autocannon.js');

/**
 * Runs autocannon's CLI in its own process (it needs a core of its own to generate load, and must not share our
 * event loop) against `url` with `connections` for `seconds`, sending `headers`.
 */
export function runAutocannon(
  url: string,
  options: { connections: number; seconds: number; headers: Record<string, string> },
): Promise<LoadResult> {
  const args = [cli, '-j', '-c', String(options.connections), '-d', String(options.seconds)];
  for (const [name, value] of Object.entries(options.headers)) args.push('-H', `${name}=${value}`);
  args.push(url);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) {
        reject(new Error(`autocannon exited with ${String(code)}: ${err}`));
        return;
      }
      const json = JSON.parse(out) as AutocannonJson;
      resolve({
        requestsPerSecond: json.requests.average,
        p50Ms: json.latency.p50,
        p99Ms: json.latency.p99,
        errors: json.errors + json.timeouts + json.non2xx,
        total: json['2xx'] + json.non2xx,
      });
    });
  });
}
