import { AppError, ErrorCode } from '../../errors';

/** Truncated or damaged input: the archive cannot be read as what its magic bytes claim. */
export function corruptArchiveError(detail: string, cause?: unknown): AppError {
  return new AppError(ErrorCode.UnsupportedArchive, `Corrupt or truncated archive: ${detail}.`, { cause });
}
