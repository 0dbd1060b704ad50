import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { downloadBundle } from '../../src/stages/download/downloadBundle';
import { sha256, startFileServer, type FileServer, type ServedFile } from './helpers/startFileServer';
import { createStageTestContext } from './helpers/stageTestContext';

const BODY = randomBytes(2 * 1024 * 1024 + 5);
const OLD_DATE = 'Wed, 01 Jan 2025 00:00:00 GMT';

let dir: string;
let server: FileServer;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'download-validators-'));
  server = await startFileServer();
});
afterEach(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

const download = () =>
  downloadBundle(
    { url: `${server.baseUrl}/bundle.zip`, downloadsDir: join(dir, 'downloads') },
    createStageTestContext(),
  );

/** Drops the first transfer half-way, then downloads again and returns the second attempt's result and request. */
async function dropThenRetry(file: ServedFile) {
  server.files.set('/bundle.zip', file);
  server.dropAfterBytes = 1024 * 1024;
  await expect(download()).rejects.toMatchObject({ code: 'DOWNLOAD_FAILED' });
  const result = await download();
  expect(result.sha256).toBe(sha256(BODY));
  return { result, request: server.requests.filter((request) => request.path === '/bundle.zip').at(-1) };
}

describe('resume validators (If-Range needs a strong validator)', () => {
  it('does not resume with a weak ETag, not even by falling back to Last-Modified', async () => {
    const { result, request } = await dropThenRetry({ body: BODY, etag: 'W/"v1"', lastModified: OLD_DATE });
    expect(request?.range).toBeUndefined();
    expect(request?.ifRange).toBeUndefined();
    expect(result.resumedFromBytes).toBe(0);
  });

  it('resumes on Last-Modified alone when it is at least a minute older than the response Date', async () => {
    const { result, request } = await dropThenRetry({ body: BODY, etag: null, lastModified: OLD_DATE });
    expect(request).toMatchObject({ range: `bytes=${result.resumedFromBytes}-`, ifRange: OLD_DATE });
    expect(result.resumedFromBytes).toBeGreaterThan(0);
  });

  it('does not resume on a Last-Modified within a minute of the response Date (a weak date)', async () => {
    const { result, request } = await dropThenRetry({ body: BODY, etag: null, lastModified: new Date().toUTCString() });
    expect(request?.range).toBeUndefined();
    expect(result.resumedFromBytes).toBe(0);
  });
});

describe('checksum sidecars', () => {
  function serveSidecar(text: string): void {
    server.files.set('/bundle.zip', { body: BODY, etag: '"v1"', lastModified: OLD_DATE });
    server.files.set('/bundle.zip.sha256', { body: Buffer.from(text), etag: null, lastModified: null });
  }

  it('picks the line naming the archive from a SHA256SUMS-style list', async () => {
    serveSidecar(`${'ab'.repeat(32)}  other.zip\n${sha256(BODY)} *dist/bundle.zip\n${'cd'.repeat(32)}  third.zip\n`);
    await expect(download()).resolves.toMatchObject({ outcome: 'downloaded', sha256: sha256(BODY) });
  });

  it('accepts the OpenSSL digest format', async () => {
    serveSidecar(`SHA2-256(bundle.zip)= ${sha256(BODY)}\n`);
    await expect(download()).resolves.toMatchObject({ sha256: sha256(BODY) });
  });

  it('when required, fails clearly when a list of several digests does not name the archive', async () => {
    serveSidecar(`${'ab'.repeat(32)}  other.zip\n${'cd'.repeat(32)}  third.zip\n`);
    const required = downloadBundle(
      { url: `${server.baseUrl}/bundle.zip`, downloadsDir: join(dir, 'downloads'), checksumSidecar: 'required' },
      createStageTestContext(),
    );
    await expect(required).rejects.toMatchObject({
      code: 'DOWNLOAD_FAILED',
      message: expect.stringContaining('none named "bundle.zip"'),
    });
  });
});
