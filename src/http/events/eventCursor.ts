import { AppError, ErrorCode } from '../../errors';

/**
 * Where an event stream stands, carried in every event's `id:` so a reconnect (`Last-Event-ID`) resumes there:
 * the last log line delivered, and the time (ms since the epoch, server clock) as of which every task's state has
 * been delivered.
 */
export interface EventCursor {
  readonly logId: number;
  readonly taskTimeMs: number;
}

const SHAPE = /^(\d{1,16})\.(\d{1,16})$/;

export function encodeEventCursor(cursor: EventCursor): string {
  return `${cursor.logId}.${cursor.taskTimeMs}`;
}

/** Parses a `Last-Event-ID` this API issued; anything else is INVALID_REQUEST (start again without the header). */
export function decodeEventCursor(value: string): EventCursor {
  const match = SHAPE.exec(value.trim());
  const logId = Number(match?.[1]);
  const taskTimeMs = Number(match?.[2]);
  if (!match || !Number.isSafeInteger(logId) || !Number.isSafeInteger(taskTimeMs)) {
    throw new AppError(
      ErrorCode.InvalidRequest,
      'Last-Event-ID is not an id this stream sent; reconnect without it to start afresh.',
    );
  }
  return { logId, taskTimeMs };
}
