import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isTransientFailure } from '../../src/errors';
import { downloadBundle } from '../../src/stages/download/downloadBundle';
import type { DownloadOptions } from '../../src/stages/download/downloadOptions';
import { sha256, startFileServer, type FileServer } from './helpers/startFileServer';
import { createStageTestContext, waitFor } from './helpers/stageTestContext';

const BODY = randomBytes(3 * 1024 * 1024 + 17);
const ETAG = '"v1"';
const LAST_MODIFIED = 'Wed, 01 Jan 2025 00:00:00 GMT';

let dir: string;
let servers: FileServer[];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'download-test-'));
  servers = [];
});
afterEach(async () => {
  await Promise.all(servers.map((server) => server.close()));
  await rm(dir, { recursive: true, force: true });
});

async function serve(options?: Parameters<typeof startFileServer>[0]): Promise<FileServer> {
  const server = await startFileServer(options);
  servers.push(server);
  server.files.set('/bundle.zip', { body: BODY, etag: ETAG, lastModified: LAST_MODIFIED });
  return server;
}

function options(server: FileServer, extra: Partial<DownloadOptions> = {}): DownloadOptions {
  return { url: `${server.baseUrl}/bundle.zip`, downloadsDir: join(dir, 'downloads'), ...extra };
}

const partPath = (): string => join(dir, 'downloads', 'bundle.zip.part');

describe('downloadBundle over http', () => {
  it('downloads into place with the right checksum and byte progress against Content-Length', async () => {
    const server = await serve();
    const ctx = createStageTestContext();
    const result = await downloadBundle(options(server), ctx);
    expect(result).toMatchObject({ outcome: 'downloaded', sha256: sha256(BODY), bytes: BODY.length, etag: ETAG });
    expect(result.lastModified).toBe(LAST_MODIFIED);
    expect(sha256(await readFile(result.filePath!))).toBe(sha256(BODY));
    expect(existsSync(partPath())).toBe(false);
    expect(ctx.progress.at(-1)).toMatchObject({ done: BODY.length, total: BODY.length, unit: 'bytes' });
  });

  it('reports bytes without a total when the server sends no Content-Length', async () => {
    const server = await serve({ contentLength: false });
    const ctx = createStageTestContext();
    const result = await downloadBundle(options(server), ctx);
    expect(result.bytes).toBe(BODY.length);
    expect(ctx.progress.at(-1)).toMatchObject({ done: BODY.length, total: null });
  });

  it('resumes a dropped connection with a Range request and produces the right checksum', async () => {
    const server = await serve();
    server.dropAfterBytes = 1024 * 1024;
    await expect(downloadBundle(options(server), createStageTestContext())).rejects.toMatchObject({
      code: 'DOWNLOAD_FAILED',
    });
    const kept = (await stat(partPath())).size;
    expect(kept).toBeGreaterThan(0);
    const result = await downloadBundle(options(server), createStageTestContext());
    expect(result.resumedFromBytes).toBe(kept);
    expect(result.sha256).toBe(sha256(BODY));
    expect(sha256(await readFile(result.filePath!))).toBe(sha256(BODY));
    expect(server.requests.at(-1)).toMatchObject({ range: `bytes=${kept}-`, ifRange: ETAG });
  });

  it('restarts from zero when the ETag changed since the partial download', async () => {
    const server = await serve();
    server.dropAfterBytes = 1024 * 1024;
    await expect(downloadBundle(options(server), createStageTestContext())).rejects.toThrow();
    const republished = randomBytes(2 * 1024 * 1024);
    server.files.set('/bundle.zip', { body: republished, etag: '"v2"', lastModified: LAST_MODIFIED });
    const result = await downloadBundle(options(server), createStageTestContext());
    expect(result).toMatchObject({ resumedFromBytes: 0, sha256: sha256(republished), etag: '"v2"' });
  });

  it('restarts cleanly when the server answers a Range request with 200', async () => {
    const server = await serve({ ranges: false });
    server.dropAfterBytes = 1024 * 1024;
    await expect(downloadBundle(options(server), createStageTestContext())).rejects.toThrow();
    const ctx = createStageTestContext();
    const result = await downloadBundle(options(server), ctx);
    expect(server.requests.at(-1)?.range).toMatch(/^bytes=\d+-$/);
    expect(result).toMatchObject({ resumedFromBytes: 0, sha256: sha256(BODY), bytes: BODY.length });
    expect(ctx.logs.some((line) => line.includes('whole file'))).toBe(true);
  });

  it('follows relative redirects and refuses more than the redirect limit', async () => {
    const server = await serve();
    for (let hop = 0; hop < 7; hop += 1) {
      server.routes.set(`/hop${hop}`, (_req, res) =>
        res.writeHead(302, { Location: hop === 0 ? 'bundle.zip' : `hop${hop - 1}` }).end(),
      );
    }
    const ok = await downloadBundle(
      options(server, { url: `${server.baseUrl}/hop2`, fileName: 'b.zip' }),
      createStageTestContext(),
    );
    expect(ok.sha256).toBe(sha256(BODY));
    await expect(
      downloadBundle(options(server, { url: `${server.baseUrl}/hop6`, maxRedirects: 5 }), createStageTestContext()),
    ).rejects.toMatchObject({ code: 'DOWNLOAD_FAILED', message: expect.stringContaining('Too many redirects') });
  });

  it('fails with the HTTP status and host for 404 and 500 answers', async () => {
    const server = await serve();
    server.routes.set('/broken.zip', (_req, res) => res.writeHead(500).end('boom'));
    const host = new URL(server.baseUrl).host;
    await expect(
      downloadBundle(options(server, { url: `${server.baseUrl}/missing.zip` }), createStageTestContext()),
    ).rejects.toMatchObject({ code: 'DOWNLOAD_FAILED', message: `HTTP 404 Not Found from ${host} for /missing.zip.` });
    await expect(
      downloadBundle(options(server, { url: `${server.baseUrl}/broken.zip` }), createStageTestContext()),
    ).rejects.toMatchObject({ message: expect.stringContaining('HTTP 500') });
  });

  it('marks server errors and refused connections transient, and a 404 permanent', async () => {
    const server = await serve();
    server.routes.set('/busy.zip', (_req, res) => res.writeHead(503).end());
    const attempt = (url: string) =>
      downloadBundle(options(server, { url }), createStageTestContext()).then(
        () => 'succeeded',
        (error: unknown) => isTransientFailure(error),
      );
    expect(await attempt(`${server.baseUrl}/busy.zip`)).toBe(true);
    expect(await attempt(`${server.baseUrl}/missing.zip`)).toBe(false);
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as { port: number };
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    expect(await attempt(`http://127.0.0.1:${port}/x.zip`)).toBe(true);
  });

  it('reports a refused connection with the host', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as { port: number };
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    await expect(
      downloadBundle({ url: `http://127.0.0.1:${port}/x.zip`, downloadsDir: dir }, createStageTestContext()),
    ).rejects.toMatchObject({ code: 'DOWNLOAD_FAILED', message: `Connection refused by 127.0.0.1:${port}.` });
  });

  it('gives up on a stalled server after the idle timeout and keeps the part for a resume', async () => {
    const server = await serve();
    server.stallAfterBytes = 512 * 1024;
    await expect(
      downloadBundle(options(server, { idleTimeoutMs: 300 }), createStageTestContext()),
    ).rejects.toMatchObject({ code: 'DOWNLOAD_FAILED', message: expect.stringContaining('sent no data for 300 ms') });
    expect((await stat(partPath())).size).toBeGreaterThan(0);
  });

  it('rejects an archive over the size limit before downloading, and while streaming without Content-Length', async () => {
    const server = await serve();
    await expect(
      downloadBundle(options(server, { maxBytes: 1_000_000 }), createStageTestContext()),
    ).rejects.toMatchObject({
      code: 'DOWNLOAD_FAILED',
      message: expect.stringContaining(`is ${BODY.length} bytes, over the limit of 1000000 bytes`),
    });
    expect(server.requests.filter((r) => r.path === '/bundle.zip')).toHaveLength(1);
    expect(existsSync(partPath())).toBe(false);
    const chunked = await serve({ contentLength: false });
    await expect(
      downloadBundle(options(chunked, { maxBytes: 1_000_000 }), createStageTestContext()),
    ).rejects.toMatchObject({
      message: 'The archive is larger than the limit of 1000000 bytes.',
    });
    expect(existsSync(partPath())).toBe(false);
  });

  it('deletes the part on a checksum mismatch against the expected digest', async () => {
    const server = await serve();
    const wrong = '0'.repeat(64);
    await expect(
      downloadBundle(options(server, { expectedSha256: wrong }), createStageTestContext()),
    ).rejects.toMatchObject({
      code: 'CHECKSUM_MISMATCH',
      message: expect.stringContaining(`expected SHA-256 ${wrong}, got ${sha256(BODY)}`),
    });
    expect(existsSync(partPath())).toBe(false);
    expect(existsSync(join(dir, 'downloads', 'bundle.zip'))).toBe(false);
  });

  it('verifies against a sha256sum-style sidecar and fails when it disagrees', async () => {
    const server = await serve();
    server.files.set('/bundle.zip.sha256', {
      body: Buffer.from(`${sha256(BODY).toUpperCase()}  bundle.zip\n`),
      etag: null,
      lastModified: null,
    });
    const ctx = createStageTestContext();
    await expect(downloadBundle(options(server), ctx)).resolves.toMatchObject({ sha256: sha256(BODY) });
    expect(ctx.logs.some((line) => line.includes('.sha256'))).toBe(true);
    server.files.set('/bundle.zip.sha256', {
      body: Buffer.from(`${'ab'.repeat(32)} *bundle.zip\n`),
      etag: null,
      lastModified: null,
    });
    await expect(downloadBundle(options(server), createStageTestContext())).rejects.toMatchObject({
      code: 'CHECKSUM_MISMATCH',
    });
  });

  it('finishes without downloading when the ETag matches the installed bundle (304)', async () => {
    const server = await serve();
    const result = await downloadBundle(
      options(server, { installed: { etag: ETAG, sha256: sha256(BODY) } }),
      createStageTestContext(),
    );
    expect(result).toMatchObject({
      outcome: 'already-current',
      filePath: null,
      bytes: 0,
      sha256: sha256(BODY),
      etag: ETAG,
    });
    expect(server.requests.at(-1)?.ifNoneMatch).toBe(ETAG);
    expect(existsSync(join(dir, 'downloads', 'bundle.zip'))).toBe(false);
  });

  it('finishes without requesting the archive when the expected checksum equals the installed one', async () => {
    const server = await serve();
    const digest = sha256(BODY);
    const result = await downloadBundle(
      options(server, { expectedSha256: digest, installed: { sha256: digest } }),
      createStageTestContext(),
    );
    expect(result.outcome).toBe('already-current');
    expect(server.requests.filter((r) => r.path === '/bundle.zip')).toHaveLength(0);
  });

  it('keeps the part when cancelled mid-download and resumes from it later', async () => {
    const server = await serve();
    server.stallAfterBytes = 1024 * 1024;
    const ctx = createStageTestContext();
    const running = downloadBundle(options(server), ctx);
    await waitFor(async () => existsSync(partPath()) && (await stat(partPath())).size >= 1024 * 1024);
    ctx.controller.abort();
    await expect(running).rejects.toMatchObject({ code: 'CANCELLED' });
    expect((await stat(partPath())).size).toBe(1024 * 1024);
    const result = await downloadBundle(options(server), createStageTestContext());
    expect(result).toMatchObject({ resumedFromBytes: 1024 * 1024, sha256: sha256(BODY) });
  });

  it('reports a full disk as DISK_FULL and keeps the part', async () => {
    const server = await serve();
    await downloadBundle(options(server, { fileName: 'warmup.zip' }), createStageTestContext());
    // The part file is a link to /dev/full, whose writes fail with ENOSPC like a full file system.
    await symlink('/dev/full', partPath());
    await expect(downloadBundle(options(server), createStageTestContext())).rejects.toMatchObject({
      code: 'DISK_FULL',
      message: expect.stringContaining('disk is full'),
    });
    expect(existsSync(partPath())).toBe(true);
  });
});

describe('downloadBundle from file://', () => {
  it('copies a local file with its sidecar checksum and is already current the second time', async () => {
    const source = join(dir, 'source.zip');
    await writeFile(source, BODY);
    await writeFile(`${source}.sha256`, `${sha256(BODY)}  source.zip\n`);
    const first = await downloadBundle(
      { url: pathToFileURL(source).href, downloadsDir: join(dir, 'dl') },
      createStageTestContext(),
    );
    expect(first).toMatchObject({ outcome: 'downloaded', sha256: sha256(BODY), bytes: BODY.length });
    expect(sha256(await readFile(first.filePath!))).toBe(sha256(BODY));
    const second = await downloadBundle(
      {
        url: pathToFileURL(source).href,
        downloadsDir: join(dir, 'dl'),
        checksumSidecar: 'off',
        installed: { etag: first.etag, lastModified: first.lastModified },
      },
      createStageTestContext(),
    );
    expect(second.outcome).toBe('already-current');
  });

  it('fails clearly for a missing local file', async () => {
    await expect(
      downloadBundle({ url: pathToFileURL(join(dir, 'nope.zip')).href, downloadsDir: dir }, createStageTestContext()),
    ).rejects.toMatchObject({
      code: 'DOWNLOAD_FAILED',
      message: 'The local bundle file does not exist or cannot be read.',
    });
  });
});
