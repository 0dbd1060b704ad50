import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HttpResponse } from '@azure/functions';
import { DevhostError, DevhostErrorCode } from '../devhostError.js';
import type { DevhostLog, DurableEngine } from '../durable/types.js';
import type { HostedFunction } from '../functions/classifyFunction.js';
import type { FunctionInvoker } from '../invoke/createInvoker.js';
import type { Router } from './createRouter.js';
import { readBufferedBody, toLibraryRequest, type RequestBody } from './toLibraryRequest.js';
import { toPlainResponse } from './toPlainResponse.js';
import { writeHttpResponse, writePlainResponse } from './writeHttpResponse.js';

export interface HttpHandlerOptions {
  router: Router<HostedFunction>;
  invoker: FunctionInvoker;
  engine: DurableEngine | undefined;
  /** Limit for buffered request bodies; a larger one is answered 413 before the function runs. */
  maxBodyBytes: number;
  /** The app enabled HTTP streams: request bodies reach the function as streams of any size, responses stream out. */
  streamRequestBodies: boolean;
  /** Fallback authority when a request has no Host header, e.g. "127.0.0.1:7071". */
  authority(): string;
  log: DevhostLog;
  /** Aborted when the host starts shutting down: open event streams are ended rather than waited for. */
  stopping?: AbortSignal;
}

const durablePrefix = /^\/runtime\/webhooks\/durabletask(\/|$)/i;

// Any copy's HttpResponse (the app's, durable-functions' own) exposes the same WHATWG-shaped headers, but older
// copies build them with their own bundled undici, so the check is by shape rather than `instanceof Headers`.
function isHttpResponseLike(value: object): value is HttpResponse {
  const candidate = value as Partial<HttpResponse>;
  const headers = candidate.headers as Partial<Headers> | undefined;
  return (
    typeof headers?.get === 'function' &&
    typeof headers.forEach === 'function' &&
    typeof candidate.status === 'number' &&
    Array.isArray(candidate.cookies)
  );
}

function firstHeader(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function sendEmpty(res: ServerResponse, status: number): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.statusCode = status;
  res.setHeader('content-length', '0');
  res.end();
}

function sendTooLarge(res: ServerResponse, req: IncomingMessage, maxBodyBytes: number): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = `Request body too large: the limit is ${maxBodyBytes} bytes (set DEVHOST_MAX_BODY_BYTES to change it).\n`;
  res.writeHead(413, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    connection: 'close',
  });
  res.end(body, () => req.destroy());
}

/** Serves one request: durable webhooks first, then user routes; the handler's result becomes the response. */
export function createHttpHandler(options: HttpHandlerOptions) {
  const { router, invoker, engine, maxBodyBytes, log } = options;
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? options.authority()}`);
    if (durablePrefix.test(url.pathname)) {
      if (engine) await engine.handleHttp(req, res, url);
      else sendEmpty(res, 404);
      return;
    }
    const matched = router.match(req.method ?? 'GET', url.pathname);
    if (!matched) {
      req.resume();
      sendEmpty(res, 404);
      return;
    }
    const fn = matched.target;
    const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
    const streams = options.streamRequestBodies && invoker.libraryFor(fn).acceptsNativeRequest;
    let body: RequestBody = { kind: 'streamed' };
    if (!streams) {
      // Like the host without HTTP streams: the whole body is read first, so an oversized one never reaches the app.
      if (Number(req.headers['content-length'] ?? 0) > maxBodyBytes) {
        sendTooLarge(res, req, maxBodyBytes);
        return;
      }
      try {
        body = { kind: 'buffered', bytes: hasBody ? await readBufferedBody(req, maxBodyBytes) : undefined };
      } catch (error) {
        if (!(error instanceof DevhostError && error.code === DevhostErrorCode.BodyTooLarge)) throw error;
        sendTooLarge(res, req, maxBodyBytes);
        return;
      }
    }
    try {
      let result: unknown;
      try {
        result = await invoker.invoke(fn, {
          trigger: (library) => toLibraryRequest(library, req, url, matched.params, body),
          traceHeaders: { traceparent: firstHeader(req, 'traceparent'), tracestate: firstHeader(req, 'tracestate') },
          origin: url.origin,
        });
      } catch {
        // The invoker has logged the failure with its stack; the client gets no details.
        sendEmpty(res, 500);
        return;
      }
      if (result === undefined || result === null) {
        sendEmpty(res, 204);
        return;
      }
      if (typeof result !== 'object') {
        log(
          'error',
          `[${fn.name}] The HTTP response must be an object with optional properties "body", "status", "headers", and "cookies".`,
        );
        sendEmpty(res, 500);
        return;
      }
      try {
        // Building the library's HttpResponse and its body stream costs more than a small JSON answer itself.
        const plain = toPlainResponse(result);
        if (plain !== undefined) {
          writePlainResponse(plain, res, streams);
          return;
        }
        const response = isHttpResponseLike(result) ? result : new (invoker.libraryFor(fn).HttpResponse)(result);
        await writeHttpResponse(response, res, streams, options.stopping);
      } catch (error) {
        log(
          'error',
          `[${fn.name}] Writing the HTTP response failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
        );
        sendEmpty(res, 500);
      }
    } finally {
      if (!req.complete) req.resume();
    }
  };
}
