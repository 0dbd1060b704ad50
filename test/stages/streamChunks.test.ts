import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { streamChunks } from '../../src/stages/unzip/streamChunks';

describe('streamChunks', () => {
  it('yields the chunks as the stream made them, not joined, and reads ahead no further than asked', async () => {
    const made = Array.from({ length: 40 }, (_, i) => Buffer.alloc(1000, i));
    let produced = 0;
    const stream = new Readable({
      highWaterMark: 1000,
      read() {
        const chunk = made[produced / 1000];
        if (chunk) produced += chunk.length;
        this.push(chunk ?? null);
      },
    });
    const seen: Buffer[] = [];
    let consumed = 0;
    let furthestAhead = 0;
    for await (const chunk of streamChunks(stream, 4000)) {
      seen.push(chunk);
      consumed += chunk.length;
      for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
      furthestAhead = Math.max(furthestAhead, produced - consumed);
    }
    expect(seen.map((chunk) => chunk.length)).toEqual(made.map((chunk) => chunk.length));
    expect(Buffer.concat(seen).equals(Buffer.concat(made))).toBe(true);
    expect(furthestAhead).toBeGreaterThan(1000);
    expect(furthestAhead).toBeLessThanOrEqual(4000 + 2000);
  });

  it("passes on the stream's error, and calls a close before the end an error too", async () => {
    const failing = new Readable({ read() {} });
    failing.push(Buffer.from('abc'));
    setImmediate(() => failing.destroy(new Error('inflate failed')));
    const read = async (stream: Readable): Promise<number> => {
      let bytes = 0;
      for await (const chunk of streamChunks(stream, 1 << 20)) bytes += chunk.length;
      return bytes;
    };
    await expect(read(failing)).rejects.toThrow('inflate failed');

    const closed = new Readable({ read() {} });
    setImmediate(() => closed.destroy());
    await expect(read(closed)).rejects.toThrow(/closed before its end/);
  });

  it('destroys the stream when the reader stops early', async () => {
    const stream = new PassThrough();
    stream.write(Buffer.alloc(10));
    for await (const chunk of streamChunks(stream, 1 << 20)) {
      expect(chunk.length).toBe(10);
      break;
    }
    expect(stream.destroyed).toBe(true);
  });
});
