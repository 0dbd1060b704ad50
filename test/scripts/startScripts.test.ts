import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..', '..');
const dir = mkdtempSync(path.join(os.tmpdir(), 'mdt-scripts-'));

function cleanEnv(extra: Record<string, string>): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const key of Object.keys(env)) {
    if (key.startsWith('MARKET_DATA_') || key.startsWith('AUTH_')) delete env[key];
  }
  return { ...env, ...extra };
}

describe('the start scripts', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('npm start refuses invalid settings before serving, listing every problem in one message', () => {
    const result = spawnSync(process.execPath, [path.join(root, 'dist', 'scripts', 'start.js')], {
      env: cleanEnv({
        MARKET_DATA_HOME: dir,
        MARKET_DATA_SCHEDULE: 'every day',
        MARKET_DATA_DOWNLOAD_MAX_BYTES: '-5',
        PORT: '0',
      }),
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/MARKET_DATA_SCHEDULE/);
    expect(result.stderr).toMatch(/MARKET_DATA_DOWNLOAD_MAX_BYTES/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stdout).not.toMatch(/Admin token/);
  });

  it('start:func explains how to install Core Tools when func is not on the PATH', () => {
    const result = spawnSync(process.execPath, [path.join(root, 'dist', 'scripts', 'startFunc.js')], {
      env: cleanEnv({ PATH: path.dirname(process.execPath) }),
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/Azure Functions Core Tools/);
    expect(result.stderr).toMatch(/npm start/);
  });
});
