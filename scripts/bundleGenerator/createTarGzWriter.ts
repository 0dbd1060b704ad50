import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createGzip } from 'node:zlib';

export interface TarGzWriter {
  /** Appends a regular file (names up to 100 bytes, or 255 split at a slash). Calls must be awaited in order. */
  addFile(name: string, data: Buffer | string): Promise<void>;
  close(): Promise<void>;
}

const BLOCK = 512;

/**
 * Streams a gzip-compressed ustar archive to `outPath`, files in the order added (a reader sees them in that order,
 * as with `tar czf`). Timestamps and owners are fixed, so equal input gives identical archives.
 */
export function createTarGzWriter(outPath: string): TarGzWriter {
  const gzip = createGzip({ level: 6 });
  const out = createWriteStream(outPath);
  gzip.pipe(out);
  const write = async (chunk: Buffer): Promise<void> => {
    if (!gzip.write(chunk)) await once(gzip, 'drain');
  };
  return {
    async addFile(name, data) {
      const body = typeof data === 'string' ? Buffer.from(data) : data;
      await write(ustarHeader(name, body.length));
      await write(body);
      const padding = (BLOCK - (body.length % BLOCK)) % BLOCK;
      if (padding > 0) await write(Buffer.alloc(padding));
    },
    async close() {
      gzip.end(Buffer.alloc(2 * BLOCK));
      await once(out, 'close');
    },
  };
}

function ustarHeader(name: string, size: number): Buffer {
  const header = Buffer.alloc(BLOCK);
  let [prefix, base] = ['', name];
  if (Buffer.byteLength(name) > 100) {
    const cut = name.lastIndexOf('/', 155);
    if (cut < 0 || Buffer.byteLength(name.slice(cut + 1)) > 100) throw new Error(`tar name too long: ${name}`);
    [prefix, base] = [name.slice(0, cut), name.slice(cut + 1)];
  }
  header.write(base, 0, 100, 'utf8');
  header.write('0000644\0', 100, 'latin1');
  header.write('0000000\0', 108, 'latin1');
  header.write('0000000\0', 116, 'latin1');
  header.write(`${size.toString(8).padStart(11, '0')}\0`, 124, 'latin1');
  header.write('00000000000\0', 136, 'latin1');
  header.write('0', 156, 'latin1');
  header.write('ustar\u000000', 257, 'latin1');
  header.write(prefix, 345, 155, 'utf8');
  header.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return header;
}
