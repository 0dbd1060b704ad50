import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readByteRefSync } from '../../src/analysis/byteRef';
import { createSpillWriter } from '../../src/analysis/createSpillWriter';
import { openByteRefStream } from '../../src/analysis/openByteRefStream';
import { isAppError } from '../../src/errors';
import { createTempDirs } from './analysisTestKit';

const temp = createTempDirs();
afterEach(() => temp.cleanup());

function lineNumbers(bytes: Buffer): number[] {
  return Array.from(new Uint32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)));
}

describe('the long-form spill writer', () => {
  it('gives each key its header and lines in the order queued, across flushes, as parts of two files', async () => {
    const dir = temp.make();
    const writer = createSpillWriter(dir);
    const header = Buffer.from('symbol,date,close\n');
    const chunk = Buffer.from('A,1,10\nB,1,20\nA,2,11\nB,2,21\nC,2,30');
    // Interleaved lines (a table sorted by date), one flush in the middle, and a last line without a newline.
    writer.append('A', header, 1, chunk, 0, 7, 2, 1);
    writer.append('B', header, 1, chunk, 7, 14, 3, 1);
    writer.flush();
    writer.append('A', header, 1, chunk, 14, 21, 4, 1);
    writer.append('B', header, 1, chunk, 21, 28, 5, 1);
    writer.append('C', header, 1, chunk, 28, chunk.length, 6, 1);
    chunk.fill(0); // the writer copied what it was given
    const files = writer.finish();
    expect([...files.keys()]).toEqual(['A', 'B', 'C']);
    expect(readdirSync(dir).sort()).toEqual(['lines.bin', 'rows.csv']);
    const a = files.get('A')!;
    expect(readByteRefSync(a.data).toString()).toBe('symbol,date,close\nA,1,10\nA,2,11\n');
    expect(lineNumbers(readByteRefSync(a.lines))).toEqual([1, 2, 4]);
    expect(readByteRefSync(files.get('C')!.data).toString()).toBe('symbol,date,close\nC,2,30\n');
    // Read as a stream too, as every other bundle file can be.
    const chunks: Buffer[] = [];
    for await (const piece of await openByteRefStream(files.get('B')!.data)) chunks.push(piece as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe('symbol,date,close\nB,1,20\nB,2,21\n');
  });

  it('says so when a part lies past the end of its file', () => {
    const dir = temp.make();
    const path = join(dir, 'rows.csv');
    writeFileSync(path, 'abcdef');
    expect(readByteRefSync({ kind: 'parts', path, parts: [4, 2, 0, 3], gzip: false }).toString()).toBe('efabc');
    expect(() => readByteRefSync({ kind: 'parts', path, parts: [4, 5], gzip: false })).toThrow(
      expect.toSatisfy((error) => isAppError(error, 'INTERNAL')),
    );
  });
});
