import { AppError, ErrorCode } from '../../errors';

/**
 * A download failure that may well pass on its own (a dropped connection, a timeout, a refused connection, a 5xx or
 * 429): the caller may retry, and the kept `.part` makes the retry resume where this attempt stopped.
 */
export function transientDownloadError(message: string, cause?: unknown): AppError {
  return new AppError(ErrorCode.DownloadFailed, message, {
    ...(cause === undefined ? {} : { cause }),
    details: { transient: true },
  });
}
