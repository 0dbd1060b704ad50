import { closeSync, openSync, writevSync } from 'node:fs';
import { join } from 'node:path';
import { AppError, ErrorCode } from '../errors';

/** One symbol's spilled rows: a CSV (header first) and the original line number of each of its lines (uint32 LE). */
export interface SpillFile {
  readonly path: string;
  readonly linesPath: string;
}

export interface SpillWriter {
  /** Queues one line for `key`; the first line queued for a key is preceded by `header` (numbered `headerLine`). */
  append(key: string, header: Buffer, headerLine: number, line: Buffer, lineNo: number): void;
  /** Bytes queued and not yet written. */
  readonly buffered: number;
  /** Writes every queued line (one file opened at a time). */
  flush(): void;
  /** Every key seen so far and its files. */
  readonly files: ReadonlyMap<string, SpillFile>;
}

interface Pending extends SpillFile {
  chunks: Buffer[];
  lines: number[];
}

/**
 * Creates a writer that buffers lines per key and appends them to `<dir>/<n>.csv` when flushed. Appends go through
 * open-write-close, so thousands of keys never hold thousands of file handles; the caller flushes at a byte threshold.
 */
export function createSpillWriter(dir: string): SpillWriter {
  const files = new Map<string, Pending>();
  const dirty = new Set<Pending>();
  let buffered = 0;

  return {
    append(key, header, headerLine, line, lineNo) {
      let pending = files.get(key);
      if (!pending) {
        const n = files.size;
        pending = {
          path: join(dir, `${n}.csv`),
          linesPath: join(dir, `${n}.lines`),
          chunks: [header],
          lines: [headerLine],
        };
        files.set(key, pending);
        buffered += header.length + 4;
      }
      pending.chunks.push(line);
      pending.lines.push(lineNo);
      buffered += line.length + 4;
      dirty.add(pending);
    },
    get buffered() {
      return buffered;
    },
    flush() {
      for (const pending of dirty) {
        appendAll(pending.path, pending.chunks);
        const lines = Uint32Array.from(pending.lines);
        appendAll(pending.linesPath, [Buffer.from(lines.buffer, lines.byteOffset, lines.byteLength)]);
        pending.chunks = [];
        pending.lines = [];
      }
      dirty.clear();
      buffered = 0;
    },
    files,
  };
}

function appendAll(path: string, chunks: Buffer[]): void {
  const fd = openSync(path, 'a');
  try {
    const want = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
    // libuv writes every buffer (batching past IOV_MAX) or fails; a short count would mean a full disk.
    const wrote = writevSync(fd, chunks);
    if (wrote !== want) throw new AppError(ErrorCode.Internal, 'A temporary analysis file could not be written.');
  } finally {
    closeSync(fd);
  }
}
