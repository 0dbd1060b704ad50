import { inspect } from 'node:util';
import type { HttpResponseInit } from '@azure/functions';
import { ClientMessage } from '../clientMessages';
import { AppError, ErrorCode, isAppError } from '../errors';
import type { Logger } from '../logger';

/** The one place an error code becomes an HTTP status. A new ErrorCode does not compile until it is placed here. */
export const STATUS_BY_CODE: Readonly<Record<ErrorCode, number>> = {
  INVALID_REQUEST: 400,
  NOT_RETRYABLE: 400,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  TASK_NOT_FOUND: 404,
  NOT_FOUND: 404,
  NO_BUNDLE: 404,
  NO_DIFF: 404,
  TASK_RUNNING: 409,
  TASK_NOT_ACTIVE: 409,
  // A rollback asked for while no earlier generation is kept: the current state does not allow it.
  NO_PREVIOUS_BUNDLE: 409,
  // A state rule lost a race (say two cancels at once): a conflict with the current state, not a crash.
  ILLEGAL_TRANSITION: 409,
  INVALID_CONFIG: 503,
  // Stage outcomes belong on the task; reaching the edge as a thrown error means something went wrong.
  DOWNLOAD_FAILED: 500,
  CHECKSUM_MISMATCH: 500,
  DISK_FULL: 500,
  UNSAFE_ARCHIVE: 500,
  UNSUPPORTED_ARCHIVE: 500,
  BUNDLE_INVALID: 500,
  BUNDLE_REFUSED: 500,
  CANCELLED: 500,
  INTERNAL: 500,
};

export type ErrorLogger = Pick<Logger, 'warn' | 'error'>;

/**
 * Converts anything thrown by a handler into `{ status, jsonBody: { error, code, ...details } }`.
 * Client errors keep their message and client-safe details; every 5xx except INVALID_CONFIG is reported with a
 * generic message while the real error goes to `log`. Auth failures are logged with their reason, never the token.
 */
export function toErrorResponse(error: unknown, log?: ErrorLogger): HttpResponseInit {
  if (!isAppError(error)) {
    log?.error(`unexpected error: ${describeError(error)}`);
    return respond(500, ErrorCode.Internal, ClientMessage.internal);
  }
  const status = STATUS_BY_CODE[error.code];
  if (error.code === ErrorCode.Unauthorized) {
    log?.warn(`request refused: ${describeError(error.cause, { stack: false })}`);
    // The API contract gives every 401 the same challenge, a missing token included (RFC 6750 would omit the
    // error code there; clients of this API key on one header).
    return respond(status, error.code, error.message, undefined, {
      'WWW-Authenticate': 'Bearer error="invalid_token"',
    });
  }
  if (error.code === ErrorCode.Forbidden) {
    log?.warn(`request forbidden: ${error.message}`);
    return respond(status, error.code, error.message, error.details, {
      'WWW-Authenticate': 'Bearer error="insufficient_scope"',
    });
  }
  if (error.code === ErrorCode.TaskNotFound) {
    return respond(status, error.code, ClientMessage.taskNotFound, error.details);
  }
  if (error.code === ErrorCode.InvalidConfig) {
    log?.error(`configuration error: ${describeError(error, { stack: false })}`);
    return respond(status, error.code, error.message, error.details);
  }
  if (status >= 500) {
    log?.error(`unexpected ${error.code}: ${describeError(error)}`);
    return respond(status, ErrorCode.Internal, ClientMessage.internal);
  }
  return respond(status, error.code, error.message, error.details);
}

function respond(
  status: number,
  code: ErrorCode,
  message: string,
  details?: Readonly<Record<string, unknown>>,
  headers?: Record<string, string>,
): HttpResponseInit {
  // Details first so they can never overwrite `error` or `code`.
  return { status, jsonBody: { ...details, error: message, code }, ...(headers === undefined ? {} : { headers }) };
}

/** `Name: message` for an error and each of its causes, plus the top stack; for logs only. */
export function describeError(error: unknown, options: { stack?: boolean } = {}): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && depth < 5; depth += 1) {
    if (current instanceof Error) {
      const code = current instanceof AppError ? ` [${current.code}]` : '';
      parts.push(`${current.name}${code}: ${current.message}`);
      current = current.cause;
    } else {
      parts.push(typeof current === 'string' ? current : inspect(current, { depth: 2 }));
      current = undefined;
    }
  }
  const withStack = (options.stack ?? true) && error instanceof Error && error.stack !== undefined;
  const stack = withStack ? `\n${error.stack}` : '';
  return parts.join(' <- caused by ') + stack;
}
