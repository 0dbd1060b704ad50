import { describe, expect, it } from 'vitest';
import { countNewlines } from '../../src/analysis/countNewlines';

const naive = (bytes: Uint8Array): number => bytes.reduce((sum, byte) => sum + (byte === 10 ? 1 : 0), 0);

describe('countNewlines', () => {
  it('counts exactly in dense, sparse and look-alike bytes, at every alignment and length', () => {
    const pool = Buffer.alloc(4096 + 8);
    const fills: ((i: number) => number)[] = [
      () => 10, // nothing but line breaks: the per-lane sums at their largest
      (i) => (i % 57 === 0 ? 10 : 48 + (i % 10)),
      (i) => [0x0a, 0x8a, 0x0b, 0x09, 0x00, 0xff, 0x1a][i % 7]!, // bytes one bit away from LF
      (i) => (i * 2654435761) >>> 24,
    ];
    for (const fill of fills) {
      for (let i = 0; i < pool.length; i++) pool[i] = fill(i);
      for (const offset of [0, 1, 2, 3]) {
        for (const length of [0, 1, 3, 4, 5, 251, 252, 253, 1000, 4096]) {
          const slice = pool.subarray(offset, offset + length);
          expect(countNewlines(slice), `offset ${offset}, length ${length}`).toBe(naive(slice));
        }
      }
    }
  });
});
