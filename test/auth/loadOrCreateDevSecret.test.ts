import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEV_SECRET_FILE, createTokenVerifier, loadOrCreateDevSecret, mintToken } from '../../src/auth';
import { ErrorCode } from '../../src/errors';
import { expectAppError } from './assertRejects';

describe('loadOrCreateDevSecret', () => {
  let root: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'dev-secret-'));
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('creates the secret file once with mode 0600 and returns the same secret afterwards', async () => {
    const dataDir = join(root, 'data', 'nested');
    const first = await loadOrCreateDevSecret(dataDir);
    const path = join(dataDir, DEV_SECRET_FILE);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await readFile(path, 'utf8')).trim()).toBe(first);

    const second = await loadOrCreateDevSecret(dataDir);
    expect(second).toBe(first);
    expect(await readdir(dataDir)).toEqual([DEV_SECRET_FILE]);
  });

  it('yields a secret that can mint and verify tokens', async () => {
    const secret = await loadOrCreateDevSecret(root);
    const token = await mintToken({ secret, subject: 'dev', roles: [], ttlSeconds: 60 });
    await expect(createTokenVerifier({ kind: 'secret', secret }).verify(`Bearer ${token}`)).resolves.toMatchObject({
      subject: 'dev',
    });
  });

  it('gives concurrent callers the same secret and leaves no temp files', async () => {
    const secrets = await Promise.all(Array.from({ length: 8 }, () => loadOrCreateDevSecret(root)));
    expect(new Set(secrets).size).toBe(1);
    expect(await readdir(root)).toEqual([DEV_SECRET_FILE]);
  });

  it('refuses an existing secret file that is too short', async () => {
    await writeFile(join(root, DEV_SECRET_FILE), 'too-short\n', { mode: 0o600 });
    const error = await expectAppError(loadOrCreateDevSecret(root), ErrorCode.InvalidConfig);
    expect(error.message).not.toContain(root);
  });
});
