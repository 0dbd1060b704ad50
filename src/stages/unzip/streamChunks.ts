import type { Readable } from 'node:stream';

/**
 * The chunks of a byte stream one by one, as it produced them, reading ahead up to `readAhead` bytes. A byte
 * stream's own async iterator returns everything buffered as one new buffer, so a producer that runs ahead (gunzip on
 * the thread pool) had each of its chunks copied once more. Leaving the loop early destroys the stream.
 */
export function streamChunks(stream: Readable, readAhead: number): AsyncIterable<Buffer> {
  return {
    [Symbol.asyncIterator](): AsyncIterator<Buffer> {
      const queue: Buffer[] = [];
      let head = 0;
      let queued = 0;
      let ended = false;
      let failure: Error | null = null;
      let wake: (() => void) | null = null;
      const notify = (): void => {
        const resolve = wake;
        wake = null;
        resolve?.();
      };
      stream.on('data', (chunk: Buffer) => {
        queue.push(chunk);
        queued += chunk.length;
        if (queued >= readAhead) stream.pause();
        notify();
      });
      stream.on('end', () => {
        ended = true;
        notify();
      });
      stream.on('error', (error: Error) => {
        failure = error;
        notify();
      });
      stream.on('close', () => {
        if (!ended && failure === null) failure = new Error('The stream closed before its end.');
        notify();
      });
      return {
        async next(): Promise<IteratorResult<Buffer>> {
          while (head === queue.length) {
            if (failure !== null) throw failure;
            if (ended) return { done: true, value: undefined };
            await new Promise<void>((resolve) => (wake = resolve));
          }
          const chunk = queue[head]!;
          queue[head++] = EMPTY;
          if (head > 1024) {
            queue.splice(0, head);
            head = 0;
          }
          queued -= chunk.length;
          if (queued < readAhead && stream.isPaused()) stream.resume();
          return { done: false, value: chunk };
        },
        return(): Promise<IteratorResult<Buffer>> {
          stream.destroy();
          return Promise.resolve({ done: true, value: undefined });
        },
      };
    },
  };
}

const EMPTY = Buffer.alloc(0);
