export type TextEncodingName = 'utf-8' | 'gb18030';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const gb18030 = new TextDecoder('gb18030');

/** Length of a UTF-8 byte-order mark at the start of `bytes` (0 or 3). */
export function bomLength(bytes: Uint8Array): number {
  return bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
}

/**
 * Decodes text that is UTF-8 (BOM allowed) or, when the bytes are not valid UTF-8, GB18030 (a superset of GBK, what
 * Chinese Windows exports use). Node's full-ICU build ships the GB18030 decoder.
 */
export function decodeText(bytes: Uint8Array): { text: string; encoding: TextEncodingName } {
  const body = bytes.subarray(bomLength(bytes));
  try {
    return { text: strictUtf8.decode(body), encoding: 'utf-8' };
  } catch {
    return { text: gb18030.decode(body), encoding: 'gb18030' };
  }
}
