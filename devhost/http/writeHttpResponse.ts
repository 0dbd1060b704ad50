import type { ServerResponse } from 'node:http';
import type { Cookie, HttpResponse } from '@azure/functions';
import { serializeCookie } from './serializeCookie.js';
import type { PlainResponse } from './toPlainResponse.js';

// The library's own proxy drops these as well: they describe one connection, not the response.
const hopByHop = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'proxy-authenticate',
  'proxy-authorization',
]);

function setHead(
  res: ServerResponse,
  status: number,
  headers: Iterable<readonly [string, string]>,
  headerCookies: readonly string[],
  cookies: readonly Cookie[],
): void {
  res.statusCode = status;
  for (const [name, value] of headers) {
    if (name === 'set-cookie' || hopByHop.has(name)) continue;
    res.setHeader(name, value);
  }
  const setCookies = [...headerCookies, ...cookies.map(serializeCookie)];
  if (setCookies.length > 0) res.setHeader('set-cookie', setCookies);
}

/**
 * Writes a response whose bytes are already known (see toPlainResponse) as `writeHttpResponse` would write the same
 * response: with a content length when buffered; chunked, with no length, when the app streams (its body is then one
 * chunk of the stream).
 */
export function writePlainResponse(response: PlainResponse, res: ServerResponse, streamed: boolean): void {
  setHead(res, response.status, response.headers, [], response.cookies);
  if (response.body === undefined) {
    res.end();
    return;
  }
  const body = response.body;
  if (streamed) {
    // A write before the end makes Node send the body chunked instead of computing a length for it.
    res.write(body);
    res.end();
    return;
  }
  res.setHeader('content-length', typeof body === 'string' ? Buffer.byteLength(body) : body.length);
  res.end(body);
}

function waitForDrain(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/**
 * Writes status, headers, cookies and the body. Streamed (apps with HTTP streams): chunk by chunk, flushed as it comes,
 * so server-sent events reach the client incrementally, and cancelled if the client goes away. Buffered (other apps):
 * the library hands the host the whole body, so nothing is sent before the body is complete. When `stopping` aborts
 * (the host is shutting down), an event stream is ended: it would never finish by itself, and its client reconnects.
 */
export async function writeHttpResponse(
  response: HttpResponse,
  res: ServerResponse,
  streamed: boolean,
  stopping?: AbortSignal,
): Promise<void> {
  setHead(res, response.status, response.headers, response.headers.getSetCookie(), response.cookies);
  const body = response.body as ReadableStream<Uint8Array> | null;
  if (!body) {
    res.end();
    return;
  }
  if (!streamed) {
    const bytes = Buffer.from(await response.arrayBuffer());
    res.setHeader('content-length', bytes.length);
    res.end(bytes);
    return;
  }
  res.flushHeaders();
  const reader = body.getReader();
  // A client that disconnects from an idle stream (SSE) must still stop the producer.
  const cancelOnClose = (): void => {
    reader.cancel().catch(() => undefined);
  };
  res.once('close', cancelOnClose);
  const isEventStream = (response.headers.get('content-type') ?? '').startsWith('text/event-stream');
  const endStream = isEventStream ? cancelOnClose : undefined;
  if (endStream !== undefined) {
    if (stopping?.aborted) endStream();
    else stopping?.addEventListener('abort', endStream);
  }
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done || res.destroyed) break;
      if (!res.write(value)) await waitForDrain(res);
    }
    if (!res.destroyed) res.end();
  } finally {
    res.off('close', cancelOnClose);
    if (endStream !== undefined) stopping?.removeEventListener('abort', endStream);
    reader.releaseLock();
  }
}
