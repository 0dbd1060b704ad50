import { transientDownloadError } from './transientDownloadError';
import { AppError, ErrorCode, isCancellation } from '../../errors';
import { cancelledError } from '../stageContext';
import { removePart, type PartPaths } from './partFile';
import { SizeLimitError } from './writeStreamToPart';

/**
 * Classifies a failure while the part file was being written. The part is kept for a resume in every case except
 * an archive over the size limit, whose bytes can never become a valid download.
 */
export async function toWriteError(
  error: unknown,
  paths: PartPaths,
  signal: AbortSignal,
  teardownReason: AppError | undefined,
  host: string,
): Promise<AppError> {
  if (error instanceof SizeLimitError) {
    await removePart(paths);
    return error;
  }
  if (signal.aborted || isCancellation(error)) return cancelledError('The download');
  if (teardownReason !== undefined) return teardownReason;
  if (error instanceof AppError) return error;
  const code = (error as { code?: unknown }).code;
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new AppError(ErrorCode.DiskFull, 'The disk is full; the partial download is kept for a retry.', {
      cause: error,
    });
  }
  // Errors from the file system carry a syscall; network ones reach us as stream errors without an fs syscall.
  if (typeof (error as { path?: unknown }).path === 'string' && typeof code === 'string') {
    return new AppError(ErrorCode.DownloadFailed, `Writing the download failed (${code}).`, { cause: error });
  }
  return transientDownloadError(`The connection to ${host} broke off; a retry resumes the download.`, error);
}
