import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { AppError, ErrorCode } from '../../errors';
import { reportBytesProgress } from '../reportBytesProgress';
import type { StageContext } from '../stageContext';
import type { TransferOutcome } from './downloadHttp';
import type { InstalledBundle, ResolvedDownloadOptions } from './downloadOptions';
import type { PartPaths } from './partFile';
import { toWriteError } from './toWriteError';
import { writeStreamToPart } from './writeStreamToPart';

/**
 * Copies a local file:// source into the part file. Its validator is synthesised from size and mtime (like a
 * static web server's ETag), so "already current" works for local sources too. Local copies do not resume.
 */
export async function downloadFileSource(
  url: URL,
  paths: PartPaths,
  installed: InstalledBundle | null,
  options: ResolvedDownloadOptions,
  ctx: StageContext,
): Promise<TransferOutcome> {
  const sourcePath = fileURLToPath(url);
  let info;
  try {
    info = await stat(sourcePath);
  } catch (error) {
    throw new AppError(ErrorCode.DownloadFailed, 'The local bundle file does not exist or cannot be read.', {
      cause: error,
    });
  }
  if (!info.isFile()) throw new AppError(ErrorCode.DownloadFailed, 'The local bundle path is not a file.');
  const etag = `"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`;
  const lastModified = info.mtime.toUTCString();
  if (installed?.etag === etag) return { kind: 'not-modified', etag, lastModified };
  if (info.size > options.maxBytes) {
    throw new AppError(
      ErrorCode.DownloadFailed,
      `The local archive is ${info.size} bytes, over the limit of ${options.maxBytes} bytes.`,
    );
  }
  const hash = createHash('sha256');
  const progress = reportBytesProgress(ctx.onProgress, info.size);
  let size: number;
  try {
    size = await writeStreamToPart(createReadStream(sourcePath, { highWaterMark: 1024 * 1024 }), {
      partPath: paths.partPath,
      append: false,
      hash,
      startBytes: 0,
      maxBytes: options.maxBytes,
      signal: ctx.signal,
      progress,
    });
  } catch (error) {
    throw await toWriteError(error, paths, ctx.signal, undefined, 'the local file');
  }
  progress.flush();
  return { kind: 'complete', sha256: hash.digest('hex'), bytes: size, etag, lastModified, resumedFromBytes: 0 };
}
