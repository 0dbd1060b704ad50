import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { AppError, ErrorCode } from '../errors';

/** One symbol's spilled rows: a CSV (header first) and the original line number of each of its lines (uint32 LE). */
export interface SpillFile {
  readonly path: string;
  readonly linesPath: string;
}

export interface SpillWriter {
  /**
   * Queues `count` whole lines for `key`, the bytes `source[start, end)`, numbered from `firstLineNo` on (a newline is
   * added when the last one has none); the first lines queued for a key are preceded by `header` (numbered
   * `headerLine`). The bytes are copied: `source` may be reused at once.
   */
  append(
    key: string,
    header: Buffer,
    headerLine: number,
    source: Buffer,
    start: number,
    end: number,
    firstLineNo: number,
    count: number,
  ): void;
  /** Bytes queued and not yet written. */
  readonly buffered: number;
  /** Writes every queued line (one file opened at a time). */
  flush(): void;
  /** Every key seen so far and its files. */
  readonly files: ReadonlyMap<string, SpillFile>;
}

// A queued run's record in the runs array: its key's index, its bytes' offset and length in the buffer, the number of
// its first line, and how many lines it holds.
const RUN_KEY = 0;
const RUN_START = 1;
const RUN_LENGTH = 2;
const RUN_FIRST_LINE = 3;
const RUN_LINES = 4;
const RUN_FIELDS = 5;

interface Target extends SpillFile {
  readonly index: number;
  /** Written before the key's first lines, then null. */
  header: Buffer | null;
  readonly headerLine: number;
}

/**
 * Creates a writer that copies queued lines into one growing buffer, with a small record per run of lines, and on
 * flush appends each key's lines, in the order queued, to `<dir>/<n>.csv` (their line numbers to `<dir>/<n>.lines`).
 * Nothing is kept per line but its bytes, so an interleaved long-form file (one line per symbol in turn) costs no
 * more memory than a sorted one. Appends go through open-write-close, so thousands of keys never hold thousands of
 * file handles; the caller flushes at a byte threshold.
 */
export function createSpillWriter(dir: string): SpillWriter {
  const files = new Map<string, Target>();
  const targets: Target[] = [];
  let bytes: Buffer = Buffer.allocUnsafe(1 << 20);
  let used = 0;
  let runs: Int32Array = new Int32Array(RUN_FIELDS * 1024);
  let runCount = 0;

  return {
    append(key, header, headerLine, source, start, end, firstLineNo, count) {
      let target = files.get(key);
      if (!target) {
        const n = files.size;
        target = { index: n, path: join(dir, `${n}.csv`), linesPath: join(dir, `${n}.lines`), header, headerLine };
        files.set(key, target);
        targets.push(target);
      }
      const length = end - start;
      const newline = source[end - 1] === 10 ? 0 : 1;
      if (used + length + newline > bytes.length) bytes = grown(bytes, used, used + length + newline);
      copyBytes(source, start, end, bytes, used);
      if (newline === 1) bytes[used + length] = 10;
      if ((runCount + 1) * RUN_FIELDS > runs.length) runs = grownRuns(runs);
      const at = runCount * RUN_FIELDS;
      runs[at + RUN_KEY] = target.index;
      runs[at + RUN_START] = used;
      runs[at + RUN_LENGTH] = length + newline;
      runs[at + RUN_FIRST_LINE] = firstLineNo;
      runs[at + RUN_LINES] = count;
      runCount++;
      used += length + newline;
    },
    get buffered() {
      return used + runCount * RUN_FIELDS * 4;
    },
    flush() {
      for (const [index, list] of runsByTarget(runs, runCount)) writeRuns(targets[index]!, bytes, runs, list);
      used = 0;
      runCount = 0;
    },
    files,
  };
}

/** The queued runs grouped by their key's index, each group in the order queued. */
function runsByTarget(runs: Int32Array, count: number): Map<number, number[]> {
  const groups = new Map<number, number[]>();
  for (let i = 0; i < count; i++) {
    const index = runs[i * RUN_FIELDS + RUN_KEY]!;
    const group = groups.get(index);
    if (group) group.push(i);
    else groups.set(index, [i]);
  }
  return groups;
}

/** Appends one key's runs (and its header, the first time) to its files. */
function writeRuns(target: Target, bytes: Buffer, runs: Int32Array, list: readonly number[]): void {
  let size = target.header?.length ?? 0;
  let lines = target.header ? 1 : 0;
  for (const i of list) {
    size += runs[i * RUN_FIELDS + RUN_LENGTH]!;
    lines += runs[i * RUN_FIELDS + RUN_LINES]!;
  }
  const text = Buffer.allocUnsafe(size);
  const numbers = new Uint32Array(lines);
  let at = 0;
  let line = 0;
  if (target.header) {
    at += target.header.copy(text, 0);
    numbers[line++] = target.headerLine;
    target.header = null;
  }
  for (const i of list) {
    const record = i * RUN_FIELDS;
    const start = runs[record + RUN_START]!;
    const end = start + runs[record + RUN_LENGTH]!;
    copyBytes(bytes, start, end, text, at);
    at += end - start;
    const first = runs[record + RUN_FIRST_LINE]!;
    for (let k = 0; k < runs[record + RUN_LINES]!; k++) numbers[line++] = first + k;
  }
  appendAll(target.path, text);
  appendAll(target.linesPath, Buffer.from(numbers.buffer, numbers.byteOffset, numbers.byteLength));
}

/**
 * source[start, end) into target from `at`. A line of a long-form file is a few dozen bytes, where a loop costs less
 * than a call to Buffer's copy (measured on an interleaved 4.5 M-line file: the copies took 1.5 s of a 6 s split).
 */
function copyBytes(source: Uint8Array, start: number, end: number, target: Uint8Array, at: number): void {
  if (end - start > 256) target.set(source.subarray(start, end), at);
  else for (let i = start; i < end; i++) target[at + i - start] = source[i]!;
}

function grown(bytes: Buffer, used: number, needed: number): Buffer {
  const next = Buffer.allocUnsafe(Math.max(bytes.length * 2, needed));
  bytes.copy(next, 0, 0, used);
  return next;
}

function grownRuns(runs: Int32Array): Int32Array {
  const next = new Int32Array(runs.length * 2);
  next.set(runs);
  return next;
}

function appendAll(path: string, data: Buffer): void {
  const fd = openSync(path, 'a');
  try {
    // Written whole or an error (a full disk is ENOSPC); a write that makes no progress would loop forever.
    for (let at = 0; at < data.length;) {
      const wrote = writeSync(fd, data, at, data.length - at);
      if (wrote <= 0) throw new AppError(ErrorCode.Internal, 'A temporary analysis file could not be written.');
      at += wrote;
    }
  } finally {
    closeSync(fd);
  }
}
