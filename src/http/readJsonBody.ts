import type { HttpRequest } from '@azure/functions';
import { AppError, ErrorCode } from '../errors';

/** Enough for any request this API accepts; larger bodies are refused before they are buffered. */
const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

/**
 * Reads the request body as a JSON object. Any content type is accepted (clients often omit it), but the body must
 * be UTF-8 JSON whose top level is an object, and at most `maxBytes` long. Everything else is INVALID_REQUEST.
 */
export async function readJsonBody(
  request: HttpRequest,
  options: { maxBytes?: number } = {},
): Promise<Record<string, unknown>> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BODY_BYTES;
  const declared = request.headers.get('content-length');
  if (declared !== null && Number(declared) > maxBytes) {
    throw tooLarge(maxBytes);
  }
  const bytes = await readLimited(request, maxBytes);
  let text: string;
  try {
    // ignoreBOM false (the default) strips a leading byte-order mark, which JSON.parse would reject.
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (error) {
    throw new AppError(ErrorCode.InvalidRequest, 'request body is not valid UTF-8', { cause: error });
  }
  if (text.trim() === '') {
    throw new AppError(ErrorCode.InvalidRequest, 'request body is empty; a JSON object is required');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new AppError(ErrorCode.InvalidRequest, 'request body is not valid JSON', { cause: error });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new AppError(ErrorCode.InvalidRequest, 'request body must be a JSON object');
  }
  return value as Record<string, unknown>;
}

/**
 * Throws INVALID_REQUEST naming every field of `body` that is not in `allowed`, so typos and stray input are
 * reported instead of silently ignored.
 */
export function rejectUnknownFields(body: Record<string, unknown>, allowed: readonly string[]): void {
  const unknown = Object.keys(body).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) {
    const list = unknown.map((key) => JSON.stringify(key.slice(0, 64))).join(', ');
    throw new AppError(ErrorCode.InvalidRequest, `unknown field(s) in request body: ${list}`);
  }
}

async function readLimited(request: HttpRequest, maxBytes: number): Promise<Uint8Array> {
  if (request.body === null) return new Uint8Array(0);
  const reader = request.body.getReader() as ReadableStreamDefaultReader<Uint8Array>;
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

function tooLarge(maxBytes: number): AppError {
  return new AppError(ErrorCode.InvalidRequest, `request body is larger than ${maxBytes} bytes`);
}
