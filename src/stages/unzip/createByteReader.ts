import { corruptArchiveError } from './corruptArchiveError';

export interface ByteReader {
  /** Exactly `length` bytes, or null at a clean end of input (throws if the input ends part-way). */
  read(length: number): Promise<Buffer | null>;
  /** Yields the next `length` bytes as they arrive, without copying them together. */
  chunks(length: number): AsyncGenerator<Buffer>;
}

/** Pull-based reader over an async byte stream; backpressure comes from pulling only what is needed. */
export function createByteReader(source: AsyncIterable<Buffer>): ByteReader {
  const iterator = source[Symbol.asyncIterator]();
  let pending: Buffer[] = [];
  let available = 0;

  async function fill(): Promise<boolean> {
    const next = await iterator.next();
    if (next.done === true) return false;
    pending.push(next.value);
    available += next.value.length;
    return true;
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
      const first = pending[0] as Buffer;
      if (first.length >= length) return take(length);
      const joined = Buffer.concat(pending, available);
      pending = [joined];
      return take(length);
    },
    async *chunks(length) {
      let left = length;
      while (left > 0) {
        if (available === 0 && !(await fill())) throw corruptArchiveError('the tar stream ends inside an entry');
        const piece = take(Math.min(left, (pending[0] as Buffer).length));
        left -= piece.length;
        yield piece;
      }
    },
  };
}
