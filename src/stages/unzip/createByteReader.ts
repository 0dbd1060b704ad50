import { corruptArchiveError } from './corruptArchiveError';

export interface ByteReader {
  /** Exactly `length` bytes, or null at a clean end of input (throws if the input ends part-way). */
  read(length: number): Promise<Buffer | null>;
  /** Yields the next `length` bytes as they arrive, without copying them together. */
  chunks(length: number): AsyncGenerator<Buffer>;
  /** Drops the next `length` bytes (throws if the input ends first); settles at once when they are already here. */
  skip(length: number): Promise<void>;
}

/** Pull-based reader over an async byte stream; backpressure comes from pulling only what is needed. */
export function createByteReader(source: AsyncIterable<Buffer>): ByteReader {
  const iterator = source[Symbol.asyncIterator]();
  const pending: Buffer[] = [];
  let available = 0;

  async function fill(): Promise<boolean> {
    const next = await iterator.next();
    if (next.done === true) return false;
    pending.push(next.value);
    available += next.value.length;
    return true;
  }

  /** The next at most `left` bytes of an entry, as they arrived. */
  async function nextPiece(left: number): Promise<Buffer> {
    if (available === 0 && !(await fill())) throw corruptArchiveError('the tar stream ends inside an entry');
    return take(Math.min(left, (pending[0] as Buffer).length));
  }

  function take(length: number): Buffer {
    const first = pending[0] as Buffer;
    if (first.length > length) {
      pending[0] = first.subarray(length);
      available -= length;
      return first.subarray(0, length);
    }
    pending.shift();
    available -= first.length;
    return first;
  }

  return {
    async read(length) {
      while (available < length) {
        if (!(await fill())) {
          if (available === 0) return null;
          throw corruptArchiveError('the tar stream ends in the middle of a record');
        }
      }
      if ((pending[0] as Buffer).length >= length) return take(length);
      // Spread over several chunks: only the bytes asked for are copied together.
      const joined = Buffer.allocUnsafe(length);
      for (let at = 0; at < length;) {
        const piece = take(Math.min(length - at, (pending[0] as Buffer).length));
        piece.copy(joined, at);
        at += piece.length;
      }
      return joined;
    },
    async skip(length) {
      for (let left = length; left > 0;) left -= (await nextPiece(left)).length;
    },
    async *chunks(length) {
      for (let left = length; left > 0;) {
        const piece = await nextPiece(left);
        left -= piece.length;
        yield piece;
      }
    },
  };
}
