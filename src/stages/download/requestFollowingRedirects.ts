import { transientDownloadError } from './transientDownloadError';
import { AppError, ErrorCode } from '../../errors';
import { openHttpRequest, type HttpExchange, type RequestSettings } from './openHttpRequest';

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** Follows up to maxRedirects Location headers (relative ones resolved against the current URL), http(s) only. */
export async function requestFollowingRedirects(
  url: URL,
  settings: RequestSettings,
  maxRedirects: number,
): Promise<{ exchange: HttpExchange; finalUrl: URL }> {
  let current = url;
  for (let hops = 0; ; hops += 1) {
    const exchange = await openHttpRequest(current, settings);
    const { statusCode = 0, headers } = exchange.response;
    if (!REDIRECTS.has(statusCode)) return { exchange, finalUrl: current };
    exchange.discard();
    const location = headers.location;
    if (location === undefined) {
      throw new AppError(
        ErrorCode.DownloadFailed,
        `HTTP ${statusCode} from ${current.host} without a Location header.`,
      );
    }
    if (hops >= maxRedirects) {
      throw new AppError(ErrorCode.DownloadFailed, `Too many redirects (more than ${maxRedirects}) from ${url.host}.`);
    }
    let next: URL;
    try {
      next = new URL(location, current);
    } catch (error) {
      throw new AppError(ErrorCode.DownloadFailed, `${current.host} redirected to an invalid URL.`, { cause: error });
    }
    // A redirect must never turn a remote download into a local file read.
    if (next.protocol !== 'http:' && next.protocol !== 'https:') {
      throw new AppError(
        ErrorCode.DownloadFailed,
        `${current.host} redirected to an unsupported ${next.protocol} URL.`,
      );
    }
    current = next;
  }
}

/** "HTTP 404 Not Found from host" — the status line a user can look up, never the URL with its query. */
export function httpStatusError(exchange: HttpExchange, url: URL): AppError {
  const { statusCode = 0, statusMessage = '' } = exchange.response;
  exchange.discard();
  const message = `HTTP ${statusCode}${statusMessage === '' ? '' : ` ${statusMessage}`} from ${url.host} for ${url.pathname}.`;
  // Server trouble and rate limits pass; a 404 or 403 will not change on its own.
  return statusCode >= 500 || statusCode === 429
    ? transientDownloadError(message)
    : new AppError(ErrorCode.DownloadFailed, message);
}
