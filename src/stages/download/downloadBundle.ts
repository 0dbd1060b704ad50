import { mkdir, rename, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { AppError, ErrorCode } from '../../errors';
import type { StageContext } from '../stageContext';
import { downloadFileSource } from './downloadFileSource';
import { downloadHttp, type TransferOutcome } from './downloadHttp';
import {
  resolveDownloadOptions,
  type DownloadOptions,
  type DownloadResult,
  type DownloadSkipped,
} from './downloadOptions';
import type { PartPaths } from './partFile';
import { removePart } from './partFile';
import { resolveExpectedDigest } from './resolveExpectedDigest';

/**
 * Downloads the bundle archive into `<downloadsDir>/<fileName>` via `<fileName>.part`, resuming an earlier part
 * when the server allows it, and verifies its SHA-256 (given, or from a checksum file) before the rename.
 * Finishes without downloading when the remote validator or digest matches the installed bundle.
 * Errors: DOWNLOAD_FAILED, CHECKSUM_MISMATCH (part deleted), DISK_FULL and CANCELLED (part kept for a resume).
 */
export async function downloadBundle(options: DownloadOptions, ctx: StageContext): Promise<DownloadResult> {
  const resolved = resolveDownloadOptions(options);
  const url = parseSourceUrl(options.url);
  const installed = options.installed ?? null;
  const fileName = options.fileName ?? fileNameFromUrl(url);
  await mkdir(options.downloadsDir, { recursive: true });
  const finalPath = join(options.downloadsDir, fileName);
  const paths: PartPaths = { finalPath, partPath: `${finalPath}.part`, metaPath: `${finalPath}.part.json` };

  const settings = {
    method: 'GET' as const,
    headers: { 'user-agent': 'market-data-tasks' },
    connectTimeoutMs: resolved.connectTimeoutMs,
    idleTimeoutMs: resolved.idleTimeoutMs,
    signal: ctx.signal,
  };
  const expected = await resolveExpectedDigest(options, url, settings, resolved.maxRedirects, ctx.log);
  const installedDigest = /^[0-9a-f]{64}$/i.test(installed?.sha256 ?? '')
    ? (installed?.sha256 ?? '').toLowerCase()
    : null;
  if (expected !== null && expected === installedDigest) {
    ctx.log('INFO', 'The expected checksum equals the installed bundle: nothing to download.');
    return alreadyCurrent(expected, installed?.etag ?? null, installed?.lastModified ?? null);
  }

  const transfer: TransferOutcome =
    url.protocol === 'file:'
      ? await downloadFileSource(url, paths, installed, resolved, ctx)
      : await downloadHttp(url, paths, installed, resolved, ctx);
  if (transfer.kind === 'not-modified') {
    ctx.log('INFO', 'The remote bundle has not changed since the installed one: nothing to download.');
    await removePart(paths);
    return alreadyCurrent(installedDigest, transfer.etag, transfer.lastModified);
  }
  if (expected !== null && transfer.sha256 !== expected) {
    await removePart(paths);
    throw new AppError(
      ErrorCode.ChecksumMismatch,
      `Checksum mismatch: expected SHA-256 ${expected}, got ${transfer.sha256}; the download was discarded.`,
    );
  }
  await rename(paths.partPath, finalPath);
  await rm(paths.metaPath, { force: true });
  ctx.log('INFO', `Downloaded ${transfer.bytes} bytes${transfer.resumedFromBytes > 0 ? ' (resumed)' : ''}.`);
  return {
    outcome: 'downloaded',
    filePath: finalPath,
    sha256: transfer.sha256,
    bytes: transfer.bytes,
    etag: transfer.etag,
    lastModified: transfer.lastModified,
    resumedFromBytes: transfer.resumedFromBytes,
  };
}

function alreadyCurrent(sha256: string | null, etag: string | null, lastModified: string | null): DownloadSkipped {
  return { outcome: 'already-current', filePath: null, sha256, bytes: 0, etag, lastModified, resumedFromBytes: 0 };
}

function parseSourceUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch (error) {
    throw new AppError(ErrorCode.DownloadFailed, 'The bundle URL is not a valid URL.', { cause: error });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:' && url.protocol !== 'file:') {
    throw new AppError(
      ErrorCode.DownloadFailed,
      `Unsupported bundle URL scheme ${url.protocol}; use http, https or file.`,
    );
  }
  return url;
}

function fileNameFromUrl(url: URL): string {
  let last = basename(url.pathname);
  try {
    last = decodeURIComponent(last);
  } catch {
    // keep the encoded form
  }
  const safe = last.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '');
  return safe === '' ? 'bundle' : safe;
}
