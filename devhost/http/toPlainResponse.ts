import type { Cookie } from '@azure/functions';

/** A handler's response reduced to what goes on the wire, when no Fetch objects were needed to compute it. */
export interface PlainResponse {
  readonly status: number;
  /** Lower-case names in the order the library's Headers would list them (sorted), values normalised. */
  readonly headers: readonly (readonly [string, string])[];
  readonly cookies: readonly Cookie[];
  /** A string is UTF-8 (Node then sends it in one write with the head). */
  readonly body: string | Buffer | undefined;
}

const knownFields = new Set(['status', 'headers', 'jsonBody', 'body', 'cookies', 'enableContentNegotiation']);
// The library omits the body for these, as the Fetch Response would refuse one.
const nullBodyStatuses = new Set([204, 205, 304]);
const surroundingWhitespace = /^[\t\n\r ]+|[\t\n\r ]+$/g;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function plainHeaders(headers: unknown): Map<string, string> | undefined {
  const merged = new Map<string, string>();
  if (headers === undefined || headers === null) return merged;
  if (!isPlainObject(headers)) return undefined;
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value !== 'string') return undefined;
    const lower = name.toLowerCase();
    // Set-Cookie has list semantics of its own in Fetch Headers: left to the library.
    if (lower === 'set-cookie') return undefined;
    const normalised = value.replace(surroundingWhitespace, '');
    const earlier = merged.get(lower);
    merged.set(lower, earlier === undefined ? normalised : `${earlier}, ${normalised}`);
  }
  return merged;
}

interface Content {
  readonly bytes: string | Buffer | undefined;
  readonly contentType?: string;
}

function bodyBytes(body: unknown): Content | undefined {
  if (body === undefined || body === null) return { bytes: undefined };
  if (typeof body === 'string') return { bytes: body, contentType: 'text/plain;charset=UTF-8' };
  if (body instanceof Uint8Array) return { bytes: Buffer.from(body) };
  return undefined;
}

/**
 * The wire form of an `HttpResponseInit` the handler returned, computed the way the library's HttpResponse computes it
 * (status 200 by default, `jsonBody` serialised as `application/json`, a string body as `text/plain;charset=UTF-8`,
 * header names lower-cased and merged, no body for 204/205/304), or undefined when the value uses anything else
 * (a Headers object, Set-Cookie, a stream or blob body, an invalid status): the caller then builds the library's
 * HttpResponse, which also raises the library's errors for bad values. Skipping the Fetch Response and its body
 * stream matters because, for a small JSON answer, they cost more than the function itself.
 */
export function toPlainResponse(result: object): PlainResponse | undefined {
  if (!isPlainObject(result)) return undefined;
  for (const key of Object.keys(result)) if (!knownFields.has(key)) return undefined;
  const status = result['status'] ?? 200;
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 200 || status > 599) return undefined;
  const headers = plainHeaders(result['headers']);
  if (headers === undefined) return undefined;
  const cookies = result['cookies'] ?? [];
  if (!Array.isArray(cookies)) return undefined;
  let content: Content | undefined;
  const jsonBody = result['jsonBody'];
  if (nullBodyStatuses.has(status)) content = { bytes: undefined };
  else if (jsonBody !== undefined && jsonBody !== null) {
    const text = JSON.stringify(jsonBody) as string | undefined;
    content = { bytes: text, contentType: 'application/json' };
  } else content = bodyBytes(result['body']);
  if (content === undefined) return undefined;
  if (content.contentType !== undefined && !headers.has('content-type')) {
    headers.set('content-type', content.contentType);
  }
  const sorted = [...headers].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return { status, headers: sorted, cookies: cookies as Cookie[], body: content.bytes };
}
