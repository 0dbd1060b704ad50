import { mkdir, open, readdir } from 'node:fs/promises';
import { AppError, ErrorCode, isCancellation } from '../../errors';
import { reportBytesProgress } from '../reportBytesProgress';
import { cancelledError, type StageContext } from '../stageContext';
import { corruptArchiveError } from './corruptArchiveError';
import { resolveLimits, type ExtractLimits } from './extractLimits';
import { extractTarGz } from './extractTarGz';
import { extractZip, type ArchiveSink } from './extractZip';

export type ArchiveType = 'zip' | 'tar.gz';

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

/** The archive type by magic bytes, not by name; UNSUPPORTED_ARCHIVE for anything else (bzip2 named as such). */
export async function detectArchiveType(archivePath: string): Promise<ArchiveType> {
  const magic = Buffer.alloc(4);
  let length: number;
  try {
    const handle = await open(archivePath, 'r');
    try {
      ({ bytesRead: length } = await handle.read(magic, 0, 4, 0));
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw new AppError(ErrorCode.UnsupportedArchive, 'The downloaded archive cannot be opened.', { cause: error });
  }
  if (length >= 4 && magic.readUInt32BE(0) === 0x504b0304) return 'zip';
  // An empty zip is only an end record.
  if (length >= 4 && magic.readUInt32BE(0) === 0x504b0506) return 'zip';
  if (length >= 2 && magic[0] === 0x1f && magic[1] === 0x8b) return 'tar.gz';
  if (length >= 3 && magic.toString('latin1', 0, 3) === 'BZh') {
    throw new AppError(ErrorCode.UnsupportedArchive, 'Unsupported archive: bzip2 is not supported; use zip or tar.gz.');
  }
  throw new AppError(
    ErrorCode.UnsupportedArchive,
    'Unsupported archive: the file is neither a zip nor a tar.gz archive.',
  );
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
