import { transientDownloadError } from './transientDownloadError';
import { request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { AppError, ErrorCode } from '../../errors';
import { cancelledError } from '../stageContext';

export interface HttpExchange {
  readonly response: IncomingMessage;
  /** The error we tore the connection down with (idle timeout), if any: more precise than the socket's. */
  teardownReason(): AppError | undefined;
  /** Discards the response and frees the socket. */
  discard(): void;
}

export interface RequestSettings {
  readonly method: 'GET' | 'HEAD';
  readonly headers: OutgoingHttpHeaders;
  readonly connectTimeoutMs: number;
  readonly idleTimeoutMs: number;
  readonly signal: AbortSignal;
}

/** One HTTP(S) request with a connect timeout and an idle timeout that also covers the body. */
export function openHttpRequest(url: URL, settings: RequestSettings): Promise<HttpExchange> {
  const host = url.host;
  return new Promise((resolve, reject) => {
    let reason: AppError | undefined;
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    // agent: false gives a fresh socket per request, so a stale keep-alive socket never eats a resume attempt.
    const request = send(url, {
      method: settings.method,
      headers: settings.headers,
      agent: false,
      signal: settings.signal,
    });
    const fail = (error: AppError): void => {
      reason = error;
      request.destroy(error);
    };
    request.on('socket', (socket) => {
      if (!socket.connecting) return;
      const timer = setTimeout(
        () => fail(transientDownloadError(`No connection to ${host} within ${settings.connectTimeoutMs} ms.`)),
        settings.connectTimeoutMs,
      );
      socket.once('connect', () => clearTimeout(timer));
      socket.once('close', () => clearTimeout(timer));
    });
    request.setTimeout(settings.idleTimeoutMs, () =>
      fail(transientDownloadError(`${host} sent no data for ${settings.idleTimeoutMs} ms.`)),
    );
    request.on('error', (error) => reject(reason ?? describeRequestError(error, host, settings.signal)));
    request.on('response', (response) =>
      resolve({
        response,
        teardownReason: () => reason,
        discard: () => {
          response.resume();
          request.destroy();
        },
      }),
    );
    request.end();
  });
}

/** Maps socket-level failures to messages a user can act on (no stack, no URL query with its tokens). */
function describeRequestError(error: unknown, host: string, signal: AbortSignal): AppError {
  if (error instanceof AppError) return error;
  if (signal.aborted) return cancelledError('The download');
  const code = (error as { code?: unknown }).code;
  const message = (() => {
    switch (code) {
      case 'ENOTFOUND':
      case 'EAI_AGAIN':
        return `Cannot resolve the host ${host}.`;
      case 'ECONNREFUSED':
        return `Connection refused by ${host}.`;
      case 'ECONNRESET':
      case 'EPIPE':
        return `The connection to ${host} was reset.`;
      case 'ETIMEDOUT':
        return `The connection to ${host} timed out.`;
      case 'EHOSTUNREACH':
      case 'ENETUNREACH':
        return `${host} is unreachable.`;
      default:
        return typeof code === 'string' && (code.startsWith('ERR_TLS') || code.includes('CERT'))
          ? `TLS with ${host} failed (${code}).`
          : `The request to ${host} failed${typeof code === 'string' ? ` (${code})` : ''}.`;
    }
  })();
  const permanent =
    code === 'ENOTFOUND' || (typeof code === 'string' && (code.startsWith('ERR_TLS') || code.includes('CERT')));
  return permanent
    ? new AppError(ErrorCode.DownloadFailed, message, { cause: error })
    : transientDownloadError(message, error);
}
