import type { IncomingMessage } from 'node:http';
import type { HttpRequest } from '@azure/functions';
import type { FunctionsLibrary } from '../core/loadFunctionsLibrary.js';
import { DevhostError, DevhostErrorCode } from '../devhostError.js';

// The library forbids client-principal headers without their id companion (it throws when reading req.user).
function toHeaders(req: IncomingMessage): Headers {
  const headers = new Headers();
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    headers.append(raw[i]!, raw[i + 1]!);
  }
  if (headers.has('x-ms-client-principal') && !headers.has('x-ms-client-principal-id')) {
    headers.delete('x-ms-client-principal');
  }
  return headers;
}

/**
 * A bodiless (GET, HEAD) request as the library reads it: url, method and headers are plain values, and a Fetch
 * Request, whose construction (URL parsing, an AbortSignal, header validation) costs more than a small function, is
 * built only if the function asks for something else (a body reader, a clone).
 */
function createBodilessRequest(href: string, method: string, headers: Headers): Request {
  let real: Request | undefined;
  const request = (): Request => (real ??= new Request(href, { method, headers }));
  const lazy = {
    url: href,
    method,
    headers,
    body: null,
    get bodyUsed() {
      return real?.bodyUsed ?? false;
    },
    arrayBuffer: () => request().arrayBuffer(),
    blob: () => request().blob(),
    formData: () => request().formData(),
    json: () => request().json(),
    text: () => request().text(),
    clone: () => request().clone(),
  };
  return lazy as unknown as Request;
}

/**
 * The socket as a byte stream the function pulls: a chunk is read from the request only when the function asks for
 * one (no read-ahead), so a slow reader holds the client back through TCP instead of filling the devhost's memory.
 */
function createStreamingBody(req: IncomingMessage): ReadableStream<Uint8Array> {
  const chunks = req[Symbol.asyncIterator]() as AsyncIterator<Buffer, undefined>;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const { value, done } = await chunks.next();
        if (done) controller.close();
        else controller.enqueue(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
      },
      async cancel() {
        await chunks.return?.();
      },
    },
    { highWaterMark: 0 },
  );
}

// Older copies take headers and query as plain mappings (they do not parse the query from the URL); repeated
// values are joined with commas, as the Functions host does when it fills those maps.
function toRecord(entries: Iterable<[string, string]>): Record<string, string> {
  const record: Record<string, string> = {};
  for (const [name, value] of entries) {
    record[name] = name in record ? `${record[name]},${value}` : value;
  }
  return record;
}

/** Reads a whole request body, failing with BODY_TOO_LARGE as soon as it grows past maxBytes. */
export async function readBufferedBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let received = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    received += chunk.length;
    if (received > maxBytes) {
      throw new DevhostError(DevhostErrorCode.BodyTooLarge, `Request body is larger than ${maxBytes} bytes.`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** The request body as the host delivers it: bytes read in full beforehand, or the live socket stream. */
export type RequestBody = { kind: 'buffered'; bytes: Buffer | undefined } | { kind: 'streamed' };

/**
 * An HttpRequest of the function's own library copy. A streamed body flows from the socket as the function reads it
 * (only for copies that take a WHATWG `nativeRequest`, which every copy supporting HTTP streams does); a buffered
 * one was read by the host before the invocation, as the Functions host does for apps without HTTP streams.
 */
export function toLibraryRequest(
  library: FunctionsLibrary,
  req: IncomingMessage,
  url: URL,
  params: Record<string, string>,
  body: RequestBody,
): HttpRequest {
  const method = (req.method ?? 'GET').toUpperCase();
  const hasBody = method !== 'GET' && method !== 'HEAD';
  const headers = toHeaders(req);
  if (!library.acceptsNativeRequest) {
    const init: Record<string, unknown> = {
      method,
      url: url.href,
      headers: toRecord(headers),
      query: toRecord(url.searchParams),
      params,
    };
    if (hasBody && body.kind === 'buffered' && body.bytes) init['body'] = { bytes: body.bytes };
    return new library.HttpRequest(init);
  }
  if (!hasBody) {
    const nativeRequest = createBodilessRequest(url.href, method, headers);
    return new library.HttpRequest({ method, url: url.href, params, nativeRequest });
  }
  const init: RequestInit & { duplex: 'half' } = {
    method,
    headers,
    body: body.kind === 'streamed' ? createStreamingBody(req) : body.bytes,
    duplex: 'half',
  };
  return new library.HttpRequest({ method, url: url.href, params, nativeRequest: new Request(url, init) });
}
