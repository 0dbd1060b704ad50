// Small request/response helpers for the durable webhook API.
import type { IncomingMessage, ServerResponse } from 'node:http';

const maxBodyBytes = 32 * 1024 * 1024;

export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > maxBodyBytes) throw new HttpProblem(413, 'The request body is too large.');
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

export function sendEmpty(res: ServerResponse, status: number, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-length': 0, ...headers });
  res.end();
}

/** ASP.NET HttpError shape used by the extension for error bodies. */
export function sendError(res: ServerResponse, status: number, message: string, exceptionMessage?: string): void {
  sendJson(
    res,
    status,
    exceptionMessage === undefined ? { Message: message } : { Message: message, ExceptionMessage: exceptionMessage },
  );
}

/** Query parameters with case-insensitive names (the extension's behaviour). */
export function readQuery(url: URL): Map<string, string> {
  const query = new Map<string, string>();
  for (const [name, value] of url.searchParams) query.set(name.toLowerCase(), value);
  return query;
}

export function readFlag(query: Map<string, string>, name: string, fallback: boolean): boolean {
  const value = query.get(name.toLowerCase());
  if (value === undefined || value === '') return fallback;
  return value.toLowerCase() === 'true';
}

export function readTimeMs(query: Map<string, string>, name: string): number | null {
  const value = query.get(name.toLowerCase());
  if (value === undefined || value === '') return null;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new HttpProblem(400, `The '${name}' parameter is not a valid date and time.`);
  return ms;
}
