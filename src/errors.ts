/**
 * One error type for the whole app. `code` is stable and machine-readable; the HTTP status is decided only at the
 * HTTP edge (`src/http/`). `message` is safe to show to clients; internals (paths, SQL, tokens) go into `cause`.
 */
export const ErrorCode = {
  InvalidRequest: 'INVALID_REQUEST',
  /** A request body that is not JSON (by its Content-Type). */
  UnsupportedMediaType: 'UNSUPPORTED_MEDIA_TYPE',
  InvalidConfig: 'INVALID_CONFIG',
  TaskRunning: 'TASK_RUNNING',
  TaskNotFound: 'TASK_NOT_FOUND',
  TaskNotActive: 'TASK_NOT_ACTIVE',
  NotRetryable: 'NOT_RETRYABLE',
  IllegalTransition: 'ILLEGAL_TRANSITION',
  NoBundle: 'NO_BUNDLE',
  NoPreviousBundle: 'NO_PREVIOUS_BUNDLE',
  /** No bundle diff is recorded (no install since diffs were kept), or not the one asked for. */
  NoDiff: 'NO_DIFF',
  Unauthorized: 'UNAUTHORIZED',
  Forbidden: 'FORBIDDEN',
  NotFound: 'NOT_FOUND',
  // Stage failures: reported on the task, never as an HTTP status of a client request.
  DownloadFailed: 'DOWNLOAD_FAILED',
  ChecksumMismatch: 'CHECKSUM_MISMATCH',
  DiskFull: 'DISK_FULL',
  UnsafeArchive: 'UNSAFE_ARCHIVE',
  UnsupportedArchive: 'UNSUPPORTED_ARCHIVE',
  BundleInvalid: 'BUNDLE_INVALID',
  /** A valid bundle that would replace the installed one for the worse (drastic shrink, or a rolled-back release). */
  BundleRefused: 'BUNDLE_REFUSED',
  Cancelled: 'CANCELLED',
  Internal: 'INTERNAL',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export class AppError extends Error {
  override readonly name = 'AppError';
  readonly code: ErrorCode;
  /** Structured, client-safe extra data (for example the active task of a TASK_RUNNING error). */
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options?.details;
  }
}

export function isAppError(error: unknown, code?: ErrorCode): error is AppError {
  return error instanceof AppError && (code === undefined || error.code === code);
}

/** True for an AbortSignal-driven cancellation, whichever layer raised it. */
export function isCancellation(error: unknown): boolean {
  return (
    isAppError(error, ErrorCode.Cancelled) ||
    (error instanceof Error && (error.name === 'AbortError' || (error as { code?: unknown }).code === 'ABORT_ERR'))
  );
}

/** A failure that may pass on its own (marked `details.transient`): worth an automatic retry. */
export function isTransientFailure(error: unknown): boolean {
  return error instanceof AppError && error.details?.transient === true;
}
