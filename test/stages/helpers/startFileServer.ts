import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ServedFile {
  body: Buffer;
  etag: string | null;
  lastModified: string | null;
}

export interface FileServerOptions {
  /** Honour Range/If-Range; default true. */
  ranges?: boolean;
  /** Send Content-Length; default true. */
  contentLength?: boolean;
}

export interface FileServer {
  readonly baseUrl: string;
  /** Requests seen, in order: path and the headers that matter for resuming. */
  readonly requests: { path: string; range?: string; ifRange?: string; ifNoneMatch?: string }[];
  /** Files by path; tests may replace entries to simulate a republished bundle. */
  readonly files: Map<string, ServedFile>;
  /** Custom handling per path (redirects, stalls, drops); return true when handled. */
  readonly routes: Map<string, (req: IncomingMessage, res: ServerResponse) => void>;
  /** For the next GET of a file: send this many body bytes, then destroy the socket. */
  dropAfterBytes: number | null;
  /** For the next GET of a file: send this many body bytes, then stop sending (the socket stays open). */
  stallAfterBytes: number | null;
  close(): Promise<void>;
}

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** A loopback static-file server with switchable Range support, validators and fault injection. */
export async function startFileServer(options: FileServerOptions = {}): Promise<FileServer> {
  const ranges = options.ranges ?? true;
  const sendLength = options.contentLength ?? true;
  const state: Omit<FileServer, 'baseUrl' | 'close'> = {
    requests: [],
    files: new Map(),
    routes: new Map(),
    dropAfterBytes: null,
    stallAfterBytes: null,
  };
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    state.requests.push({
      path,
      range: req.headers.range,
      ifRange: req.headers['if-range'] as string | undefined,
      ifNoneMatch: req.headers['if-none-match'],
    });
    const route = state.routes.get(path);
    if (route !== undefined) {
      route(req, res);
      return;
    }
    const file = state.files.get(path);
    if (file === undefined) {
      res.writeHead(404).end('not found');
      return;
    }
    const validators: Record<string, string> = {};
    if (file.etag !== null) validators.ETag = file.etag;
    if (file.lastModified !== null) validators['Last-Modified'] = file.lastModified;
    if (file.etag !== null && req.headers['if-none-match'] === file.etag) {
      res.writeHead(304, validators).end();
      return;
    }
    let start = 0;
    let status = 200;
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const ifRange = req.headers['if-range'] as string | undefined;
    const rangeValid = ifRange === undefined || ifRange === file.etag || ifRange === file.lastModified;
    if (ranges && range && rangeValid) {
      start = Number(range[1]);
      if (start >= file.body.length) {
        res.writeHead(416, { 'Content-Range': `bytes */${file.body.length}` }).end();
        return;
      }
      status = 206;
      validators['Content-Range'] = `bytes ${start}-${file.body.length - 1}/${file.body.length}`;
    }
    const body = file.body.subarray(start);
    res.writeHead(status, {
      ...validators,
      ...(ranges ? { 'Accept-Ranges': 'bytes' } : {}),
      ...(sendLength ? { 'Content-Length': String(body.length) } : {}),
    });
    const cut = state.dropAfterBytes ?? state.stallAfterBytes;
    if (cut === null) {
      res.end(body);
      return;
    }
    const drop = state.dropAfterBytes !== null;
    state.dropAfterBytes = null;
    state.stallAfterBytes = null;
    res.write(body.subarray(0, cut), () => {
      if (drop) res.socket?.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    baseUrl: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
