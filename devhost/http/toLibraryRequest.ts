import type { IncomingMessage } from 'node:http';
import type { HttpRequest } from '@azure/functions';
import type { FunctionsLibrary } from '../core/loadFunctionsLibrary.js';
import { DevhostError, DevhostErrorCode } from '../devhostError.js';

/** Set when a streamed request body grows past the limit, so the host answers 413 whatever the handler did. */
export interface BodyLimitState {
  exceeded: boolean;
}

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

function createLimitedBody(req: IncomingMessage, maxBytes: number, state: BodyLimitState): ReadableStream<Uint8Array> {
  const chunks = req[Symbol.asyncIterator]() as AsyncIterator<Buffer, undefined>;
  let received = 0;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const { value, done } = await chunks.next();
        if (done) {
          controller.close();
          return;
        }
        received += value.length;
        if (received > maxBytes) {
          state.exceeded = true;
          controller.error(
            new DevhostError(DevhostErrorCode.BodyTooLarge, `Request body is larger than ${maxBytes} bytes.`),
          );
          return;
        }
        controller.enqueue(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
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

async function readLimitedBody(req: IncomingMessage, maxBytes: number, state: BodyLimitState): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let received = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    received += chunk.length;
    if (received > maxBytes) {
      state.exceeded = true;
      throw new DevhostError(DevhostErrorCode.BodyTooLarge, `Request body is larger than ${maxBytes} bytes.`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/**
 * An HttpRequest of the function's own library copy. Copies that accept a WHATWG Request get one whose body streams
 * from the socket, so every reader works and large uploads are never buffered here; older 4.x copies only know the
 * public init (`headers` mapping, `body.bytes`), so for them the body is read first, within the same limit.
 */
export async function toLibraryRequest(
  library: FunctionsLibrary,
  req: IncomingMessage,
  url: URL,
  params: Record<string, string>,
  maxBodyBytes: number,
  state: BodyLimitState,
): Promise<HttpRequest> {
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
    if (hasBody) init['body'] = { bytes: await readLimitedBody(req, maxBodyBytes, state) };
    return new library.HttpRequest(init);
  }
  const init: RequestInit & { duplex?: 'half' } = { method, headers };
  if (hasBody) {
    init.body = createLimitedBody(req, maxBodyBytes, state);
    init.duplex = 'half';
  }
  const nativeRequest = new Request(url, init);
  return new library.HttpRequest({ method, url: url.href, params, nativeRequest });
}
