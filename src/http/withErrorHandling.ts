import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { toErrorResponse } from './toErrorResponse';

export type HttpHandler = (request: HttpRequest, context: InvocationContext) => Promise<HttpResponseInit>;

/**
 * Wraps an HTTP function handler: a thrown error becomes its response via `toErrorResponse` (logged on the
 * invocation context with the method and path), and every response gets `Cache-Control: no-store` unless the
 * handler set its own, because task state changes from one second to the next and tokens must not be cached.
 */
export function withErrorHandling(handler: HttpHandler): HttpHandler {
  return async (request, context) => {
    let response: HttpResponseInit;
    try {
      response = await handler(request, context);
    } catch (error) {
      const where = `${request.method} ${new URL(request.url).pathname}`;
      response = toErrorResponse(error, {
        warn: (message) => context.warn(`${where}: ${message}`),
        error: (message) => context.error(`${where}: ${message}`),
      });
    }
    return addNoStore(response);
  };
}

function addNoStore(response: HttpResponseInit): HttpResponseInit {
  // The common case, without building a Headers object for nothing.
  if (response.headers === undefined) return { ...response, headers: { 'cache-control': 'no-store' } };
  const headers = new Headers(response.headers);
  if (!headers.has('cache-control')) headers.set('Cache-Control', 'no-store');
  return { ...response, headers: Object.fromEntries(headers.entries()) };
}
