import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { reportBytesProgress } from '../../src/stages/reportBytesProgress';
import { writeStreamToPart } from '../../src/stages/download/writeStreamToPart';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'write-part-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** 64 chunks of 64 KiB, then the connection breaks. */
function breakingSource(chunks: Buffer[]): Readable {
  let index = 0;
  return new Readable({
    read() {
      const chunk = chunks[index++];
      if (chunk !== undefined) this.push(chunk);
      else this.destroy(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    },
  });
}

const write = (partPath: string, signal = new AbortController().signal) => ({
  partPath,
  append: false,
  hash: createHash('sha256'),
  startBytes: 0,
  maxBytes: 1 << 30,
  signal,
  progress: reportBytesProgress(() => undefined, null),
});

describe('writeStreamToPart', () => {
  it('keeps every byte received before the connection broke in the part file, for the resume', async () => {
    const chunks = Array.from({ length: 64 }, (_, i) => Buffer.alloc(64 * 1024, i));
    const partPath = join(dir, 'bundle.zip.part');
    await expect(writeStreamToPart(breakingSource(chunks), write(partPath))).rejects.toMatchObject({
      code: 'ECONNRESET',
    });
    expect((await readFile(partPath)).equals(Buffer.concat(chunks))).toBe(true);
  });

  it('keeps the received bytes when the task is cancelled mid-transfer', async () => {
    const controller = new AbortController();
    const chunks = Array.from({ length: 16 }, (_, i) => Buffer.alloc(64 * 1024, i));
    let sent = 0;
    const source = new Readable({
      read() {
        if (sent === chunks.length) {
          controller.abort();
          return;
        }
        this.push(chunks[sent++]);
      },
    });
    const partPath = join(dir, 'cancelled.part');
    await expect(writeStreamToPart(source, write(partPath, controller.signal))).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect((await readFile(partPath)).equals(Buffer.concat(chunks))).toBe(true);
  });
});
