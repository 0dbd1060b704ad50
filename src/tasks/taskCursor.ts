import { invalid } from './taskValidation';

/** Position after the last task of a page. Compound, because several tasks may share a `created_at`. */
export interface TaskCursor {
  readonly createdAt: string;
  readonly taskId: string;
}

const SHAPE = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)\|([0-9a-f-]{36})$/;

/** Opaque to clients: base64url of "created_at|task_id". */
export function encodeTaskCursor(cursor: TaskCursor): string {
  return Buffer.from(`${cursor.createdAt}|${cursor.taskId}`, 'utf8').toString('base64url');
}

export function decodeTaskCursor(value: unknown): TaskCursor {
  const match = typeof value === 'string' ? SHAPE.exec(Buffer.from(value, 'base64url').toString('utf8')) : null;
  if (!match?.[1] || !match[2]) throw invalid('cursor is not one this API returned; start again without a cursor.');
  return { createdAt: match[1], taskId: match[2] };
}
