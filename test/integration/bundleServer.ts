import { createReadStream, statSync } from 'node:fs';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';

export interface BundleServerOptions {
  /** The archive served at /bundle.zip. */
  readonly filePath: string;
  /** Bytes per second; slows a download so a task stays running while a test looks at it. */
  readonly bytesPerSecond?: number;
  /** Whether Range requests are honoured (206) or ignored (200). */
  readonly acceptRanges?: boolean;
}

export interface BundleServer {
  readonly url: string;
  /** Count of GET requests, and how many carried a Range header. */
  readonly stats: { gets: number; rangeGets: number };
  setRate(bytesPerSecond: number | undefined): void;
  /** Answer every request with this status (e.g. 503) until set back to undefined. */
  setFailure(status: number | undefined): void;
  /** Serve another archive from now on (a new release). */
  setFilePath(path: string): void;
  /** Declare this Content-Length on full answers while still sending the whole file (a lying server). */
  setDeclaredLength(bytes: number | undefined): void;
  close(): Promise<void>;
}

/** A loopback server for end-to-end tests, with optional throttling and Range support. */
export async function startBundleServer(options: BundleServerOptions): Promise<BundleServer> {
  let rate = options.bytesPerSecond;
  let failure: number | undefined;
  const stats = { gets: 0, rangeGets: 0 };
  let filePath = options.filePath;
  let size = statSync(filePath).size;
  let etag = `"bundle-${size}"`;
  let generation = 0;
  let declaredLength: number | undefined;
  const server = http.createServer((req, res) => {
    if (failure !== undefined) {
      res.writeHead(failure).end();
      return;
    }
    if (!req.url?.startsWith('/bundle.zip') || req.url.endsWith('.sha256')) {
      res.writeHead(404).end();
      return;
    }
    if (req.method === 'HEAD') {
      res
        .writeHead(200, { 'content-length': size, etag, 'accept-ranges': options.acceptRanges ? 'bytes' : 'none' })
        .end();
      return;
    }
    stats.gets += 1;
    let start = 0;
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    // As a real server: a Range for another version of the file (If-Range) gets the whole new file.
    const ifRange = req.headers['if-range'];
    const current = ifRange === undefined || ifRange === etag;
    if (range && options.acceptRanges && current && Number(range[1]) >= size) {
      res.writeHead(416, { 'content-range': `bytes */${size}` }).end();
      return;
    }
    if (range && options.acceptRanges && current) {
      stats.rangeGets += 1;
      start = Number(range[1]);
      res.writeHead(206, {
        'content-length': size - start,
        'content-range': `bytes ${start}-${size - 1}/${size}`,
        etag,
        'accept-ranges': 'bytes',
      });
    } else {
      res.writeHead(200, {
        'content-length': declaredLength ?? size,
        etag,
        'accept-ranges': options.acceptRanges ? 'bytes' : 'none',
      });
    }
    const stream = createReadStream(filePath, { start, highWaterMark: 16 * 1024 });
    // Written chunk by chunk so the rate can change mid-transfer (a test speeds up a download it slowed down).
    void (async () => {
      try {
        for await (const chunk of stream as AsyncIterable<Buffer>) {
          if (res.destroyed) break;
          if (!res.write(chunk)) await once(res, 'drain');
          if (rate !== undefined) await delay(Math.ceil((chunk.length / rate) * 1000));
        }
        res.end();
      } catch {
        res.destroy();
      } finally {
        stream.destroy();
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/bundle.zip`,
    stats,
    setRate(bytesPerSecond) {
      rate = bytesPerSecond;
    },
    setFailure(status) {
      failure = status;
    },
    setDeclaredLength(bytes) {
      declaredLength = bytes;
    },
    setFilePath(path) {
      filePath = path;
      size = statSync(path).size;
      generation += 1;
      etag = `"bundle-${size}-${generation}"`;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
