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

/**
 * An HttpRequest of the function's own library copy over a WHATWG Request whose body streams from the socket,
 * so every reader (text, json, arrayBuffer, formData, blob, body) works and large uploads are never buffered here.
 */
export function toLibraryRequest(
  library: FunctionsLibrary,
  req: IncomingMessage,
  url: URL,
  params: Record<string, string>,
  maxBodyBytes: number,
  state: BodyLimitState,
): HttpRequest {
  const method = (req.method ?? 'GET').toUpperCase();
  const hasBody = method !== 'GET' && method !== 'HEAD';
  const init: RequestInit & { duplex?: 'half' } = { method, headers: toHeaders(req) };
  if (hasBody) {
    init.body = createLimitedBody(req, maxBodyBytes, state);
    init.duplex = 'half';
  }
  const nativeRequest = new Request(url, init);
  return new library.HttpRequest({ method, url: url.href, params, nativeRequest });
}
