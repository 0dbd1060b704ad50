import { mkdir, readdir } from 'node:fs/promises';
import { AppError, ErrorCode, isCancellation } from '../../errors';
import { reportBytesProgress } from '../reportBytesProgress';
import { cancelledError, type StageContext } from '../stageContext';
import { corruptArchiveError } from './corruptArchiveError';
import { detectArchiveType, type ArchiveType } from './detectArchiveType';
import { resolveLimits, type ExtractLimits } from './extractLimits';
import { extractTarGz } from './extractTarGz';
import { extractZip, type ArchiveSink } from './extractZip';

/**
 * Chooses members to watch: called once per file with its path inside destDir (`/`-separated); a returned function
 * receives that member's bytes in order as they are written (a check can then count them without reading them back).
 */
export type EntryObserver = (path: string) => ((chunk: Buffer) => void) | null;

export interface ExtractResult {
  readonly archiveType: ArchiveType;
  /** Members in the archive (files and directories). */
  readonly entries: number;
  /** Uncompressed bytes written. */
  readonly bytes: number;
}

/**
 * Extracts a zip or tar.gz archive (detected by magic bytes, not by name) into destDir, which must be empty or
 * absent. Unsafe members fail with UNSAFE_ARCHIVE, unreadable ones with UNSUPPORTED_ARCHIVE, a full disk with
 * DISK_FULL, an abort with CANCELLED. On failure destDir may hold a partial extraction: the caller discards it.
 */
export async function extractArchive(
  archivePath: string,
  destDir: string,
  limits: Partial<ExtractLimits> | undefined,
  ctx: StageContext,
  observe?: EntryObserver,
): Promise<ExtractResult> {
  const resolved = resolveLimits(limits);
  const archiveType = await detectArchiveType(archivePath);
  await mkdir(destDir, { recursive: true });
  if ((await readdir(destDir)).length > 0) {
    throw new AppError(ErrorCode.Internal, 'The extraction directory is not empty.');
  }
  let progress = reportBytesProgress(ctx.onProgress, null);
  let done = 0;
  const sink: ArchiveSink = {
    signal: ctx.signal,
    observe: observe ?? (() => null),
    start(total) {
      progress = reportBytesProgress(ctx.onProgress, total);
      progress.flush();
    },
    addBytes(bytes) {
      done += bytes;
      progress.update(done);
    },
    checkCancelled() {
      if (ctx.signal.aborted) throw cancelledError('Extraction');
    },
  };
  try {
    const extract = archiveType === 'zip' ? extractZip : extractTarGz;
    const { entries, bytes } = await extract(archivePath, destDir, resolved, sink);
    // A tar.gz stream has no total up front; the final report still says the stage is complete.
    progress.setTotal(bytes);
    progress.flush();
    ctx.log('INFO', `Extracted ${entries} entries (${bytes} bytes) from a ${archiveType} archive.`);
    return { archiveType, entries, bytes };
  } catch (error) {
    throw toExtractError(error, ctx.signal);
  }
}

function toExtractError(error: unknown, signal: AbortSignal): unknown {
  if (error instanceof AppError) return error;
  if (signal.aborted || isCancellation(error)) return cancelledError('Extraction');
  const code = (error as { code?: unknown }).code;
  if (code === 'ENOSPC')
    return new AppError(ErrorCode.DiskFull, 'The disk is full: the bundle could not be extracted.', { cause: error });
  if (typeof code === 'string' && code.startsWith('Z_'))
    return corruptArchiveError('the compressed data is damaged', error);
  return new AppError(
    ErrorCode.Internal,
    `Extraction failed (${typeof code === 'string' ? code : 'unexpected error'}).`,
    {
      cause: error,
    },
  );
}
