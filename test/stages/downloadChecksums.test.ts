import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isTransientFailure } from '../../src/errors';
import { downloadBundle } from '../../src/stages/download/downloadBundle';
import type { DownloadOptions } from '../../src/stages/download/downloadOptions';
import { createZipWriter } from '../../scripts/zip/createZipWriter';
import { sha256, startFileServer, type FileServer } from './helpers/startFileServer';
import { createStageTestContext, type RecordingContext } from './helpers/stageTestContext';

const BODY = randomBytes(256 * 1024 + 3);
const DIGEST = sha256(BODY);
const WRONG = 'ab'.repeat(32);
const HTML_PAGE = `<!DOCTYPE html>\n<html><body><h1>Not here</h1>\n${WRONG}\n</body></html>\n`;

let dir: string;
let server: FileServer;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'download-checksums-'));
  server = await startFileServer();
  server.files.set('/bundle.zip', { body: BODY, etag: '"v1"', lastModified: null });
});
afterEach(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

function serveSidecar(body: Buffer | string, path = '/bundle.zip.sha256', contentType = 'text/plain'): void {
  const data = typeof body === 'string' ? Buffer.from(body) : body;
  server.routes.set(path, (_req, res) =>
    res.writeHead(200, { 'Content-Type': contentType, 'Content-Length': String(data.length) }).end(data),
  );
}

function download(extra: Partial<DownloadOptions> = {}, ctx: RecordingContext = createStageTestContext()) {
  return downloadBundle({ url: `${server.baseUrl}/bundle.zip`, downloadsDir: join(dir, 'downloads'), ...extra }, ctx);
}

async function smallZip(): Promise<Buffer> {
  const file = join(dir, 'small.zip');
  const zip = createZipWriter(file);
  await zip.addFile('VERSION', 'v1');
  await zip.close();
  return readFile(file);
}

const warnings = (ctx: RecordingContext): string[] => ctx.logs.filter((line) => line.startsWith('WARNING '));
const sidecarRequests = (): number => server.requests.filter((r) => r.path.endsWith('.sha256')).length;

describe('the .sha256 sidecar probe in auto mode', () => {
  it.each([
    ['an HTML error page served with 200', () => serveSidecar(HTML_PAGE, undefined, 'text/html'), 'is an HTML page'],
    ['markup without an HTML content type', () => serveSidecar(HTML_PAGE), 'is an HTML page'],
    ['a catch-all route that serves the archive itself', () => serveSidecar(BODY), 'is larger than 65536 bytes'],
    ['text without a digest', () => serveSidecar('checksums are published on Fridays\n'), 'holds no SHA-256 digest'],
    [
      'a list of digests that does not name the bundle',
      () => serveSidecar(`${WRONG}  other.zip\n${DIGEST}  bundle.tar.gz\n`),
      'lists several files but none named "bundle.zip"',
    ],
    [
      'an HTTP 500',
      () => server.routes.set('/bundle.zip.sha256', (_req, res) => res.writeHead(500).end()),
      'HTTP 500 Internal Server Error',
    ],
  ])('ignores %s with a WARNING and downloads the bundle', async (_case, arrange, reason) => {
    arrange();
    const ctx = createStageTestContext();
    await expect(download({}, ctx)).resolves.toMatchObject({ outcome: 'downloaded', sha256: DIGEST });
    expect(warnings(ctx)).toHaveLength(1);
    expect(warnings(ctx)[0]).toContain(reason);
    expect(warnings(ctx)[0]).toContain('not verified against a checksum');
  });

  it('ignores a small binary file (a zip archive) as not text', async () => {
    serveSidecar(await smallZip(), undefined, 'application/octet-stream');
    const ctx = createStageTestContext();
    await expect(download({}, ctx)).resolves.toMatchObject({ sha256: DIGEST });
    expect(warnings(ctx)).toEqual([expect.stringContaining('is not text')]);
  });

  it('takes a missing sidecar (404) as no checksum, without a warning', async () => {
    const ctx = createStageTestContext();
    await expect(download({}, ctx)).resolves.toMatchObject({ sha256: DIGEST });
    expect(sidecarRequests()).toBe(1);
    expect(warnings(ctx)).toEqual([]);
  });

  it('verifies against the line that names the bundle in a SHA256SUMS-style list', async () => {
    serveSidecar(`${WRONG}  other.zip\nSHA256 (bundle.zip) = ${DIGEST.toUpperCase()}\n`);
    const ctx = createStageTestContext();
    await expect(download({}, ctx)).resolves.toMatchObject({ sha256: DIGEST });
    expect(ctx.logs).toContain('INFO Using the SHA-256 from the .sha256 file next to the bundle.');
  });

  it('still fails the download when the sidecar holds a digest that does not match', async () => {
    serveSidecar(`${WRONG}  bundle.zip\n`);
    await expect(download()).rejects.toMatchObject({ code: 'CHECKSUM_MISMATCH' });
  });
});

describe('the .sha256 sidecar probe in required and off modes', () => {
  it('required: a missing sidecar fails the download before the archive is requested', async () => {
    await expect(download({ checksumSidecar: 'required' })).rejects.toMatchObject({
      code: 'DOWNLOAD_FAILED',
      message: expect.stringMatching(/does not exist \(HTTP 404 Not Found\)\. A \.sha256 file .* is required\./),
    });
    expect(server.requests.filter((r) => r.path === '/bundle.zip')).toHaveLength(0);
  });

  it('required: an unusable sidecar fails the download, and a server error stays retryable', async () => {
    serveSidecar(HTML_PAGE, undefined, 'text/html');
    await expect(download({ checksumSidecar: 'required' })).rejects.toMatchObject({
      code: 'DOWNLOAD_FAILED',
      message: expect.stringContaining('/bundle.zip.sha256 on 127.0.0.1'),
    });
    server.routes.set('/bundle.zip.sha256', (_req, res) => res.writeHead(503).end());
    const error: unknown = await download({ checksumSidecar: 'required' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ message: expect.stringContaining('HTTP 503') });
    expect(isTransientFailure(error)).toBe(true);
  });

  it('required: a usable sidecar verifies the archive', async () => {
    serveSidecar(`${DIGEST}\n`);
    await expect(download({ checksumSidecar: 'required' })).resolves.toMatchObject({ sha256: DIGEST });
  });

  it('off: never asks for the sidecar, even one that would not match', async () => {
    serveSidecar(`${WRONG}  bundle.zip\n`);
    await expect(download({ checksumSidecar: 'off' })).resolves.toMatchObject({ sha256: DIGEST });
    expect(sidecarRequests()).toBe(0);
  });
});

describe('an explicit checksum file URL', () => {
  const sums = () => `${server.baseUrl}/releases/SHA256SUMS`;

  it('verifies against the entry for the bundle and never probes the sidecar', async () => {
    serveSidecar(`${WRONG}  other.zip\n${DIGEST} *bundle.zip\n`, '/releases/SHA256SUMS');
    const ctx = createStageTestContext();
    await expect(download({ checksumUrl: sums() }, ctx)).resolves.toMatchObject({ sha256: DIGEST });
    expect(ctx.logs).toContain('INFO Using the SHA-256 from the checksum file SHA256SUMS.');
    expect(sidecarRequests()).toBe(0);
  });

  it('fails the download when it holds a different digest', async () => {
    serveSidecar(`${WRONG}  bundle.zip\n`, '/releases/SHA256SUMS');
    await expect(download({ checksumUrl: sums() })).rejects.toMatchObject({ code: 'CHECKSUM_MISMATCH' });
  });

  it('must be usable: missing or an HTML page fails the download, even with the sidecar probe on auto', async () => {
    await expect(download({ checksumUrl: sums(), checksumSidecar: 'auto' })).rejects.toMatchObject({
      code: 'DOWNLOAD_FAILED',
      message:
        'The checksum file /releases/SHA256SUMS on ' +
        new URL(server.baseUrl).host +
        ' does not exist (HTTP 404 Not Found).',
    });
    serveSidecar(HTML_PAGE, '/releases/SHA256SUMS', 'text/html');
    await expect(download({ checksumUrl: sums() })).rejects.toMatchObject({
      message: expect.stringContaining('is an HTML page'),
    });
  });

  it('gives way to an expected digest, which is used without fetching any checksum file', async () => {
    serveSidecar(`${WRONG}  bundle.zip\n`, '/releases/SHA256SUMS');
    await expect(download({ expectedSha256: DIGEST, checksumUrl: sums() })).resolves.toMatchObject({
      sha256: DIGEST,
    });
    expect(server.requests.filter((r) => r.path !== '/bundle.zip')).toHaveLength(0);
  });
});

describe('checksum files next to a file:// bundle', () => {
  it('ignores an unusable local sidecar with a WARNING, and requires one when asked', async () => {
    const source = join(dir, 'source.zip');
    await writeFile(source, BODY);
    await writeFile(`${source}.sha256`, BODY.subarray(0, 1000));
    const ctx = createStageTestContext();
    const url = pathToFileURL(source).href;
    await expect(downloadBundle({ url, downloadsDir: join(dir, 'dl') }, ctx)).resolves.toMatchObject({
      sha256: DIGEST,
    });
    expect(warnings(ctx)).toEqual([expect.stringContaining('The local checksum file is not text.')]);
    await rm(`${source}.sha256`);
    await expect(
      downloadBundle({ url, downloadsDir: join(dir, 'dl2'), checksumSidecar: 'required' }, createStageTestContext()),
    ).rejects.toMatchObject({ message: expect.stringContaining('The local checksum file does not exist') });
  });
});
