import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pollUntil } from './appHost';
import { createApiClient } from './apiClient';

const root = path.resolve(__dirname, '..', '..');

describe('npm start on embedded defaults', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mdt-start-'));
  const env: Record<string, string | undefined> = { ...process.env };
  for (const key of Object.keys(env)) {
    if (key.startsWith('MARKET_DATA_') || key.startsWith('AUTH_')) delete env[key];
  }
  const child = spawn(process.execPath, [path.join(root, 'dist', 'scripts', 'start.js')], {
    env: { ...env, MARKET_DATA_HOME: dir, PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));

  afterAll(async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints a working admin token, and a download of the demo bundle succeeds with a readable summary', async () => {
    const { base, token } = await pollUntil(
      () => {
        const api = /API on (http:\/\/\S+)\/api\/market-data/.exec(output);
        const printed = /Admin token[^\n]*\n\s+(\S+)/.exec(output);
        return Promise.resolve(api?.[1] && printed?.[1] ? { base: api[1], token: printed[1] } : undefined);
      },
      { timeoutMs: 60_000, what: `npm start to print its token:\n${output}` },
    );
    expect(output).toMatch(/curl -s -X POST -H "Authorization: Bearer /);
    const api = createApiClient(base);
    const submitted = await api.call('POST', '/api/market-data/tasks', { token, body: { task_type: 'download' } });
    expect(submitted.status).toBe(202);
    const { task } = await api.waitForEnd(submitted.json.task_id as string, token);
    expect(task).toMatchObject({ status: 'success', progress: 100 });
    const bundle = await api.call('GET', '/api/market-data/bundle', { token });
    expect(bundle.status).toBe(200);
    expect(bundle.json.source).toMatch(/^file:\/\/.*demo-bundle\.zip$/);
    expect(bundle.json.totals.symbol_count).toBe(300);

    child.kill('SIGTERM');
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(0);
  });
});
