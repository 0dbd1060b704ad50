import { countNewlines } from './countNewlines';

/** What is known about one text file without reading it back: its size, its LF count and its last bytes. */
export interface TextFileTally {
  readonly bytes: number;
  readonly newlines: number;
  /** The file's last TAIL_BYTES bytes (fewer for a shorter file): enough for its last line's date. */
  readonly tail: Buffer;
}

export interface LineTally {
  /** An entry observer for the extraction: plain `.csv` members are tallied, everything else is ignored. */
  readonly observe: (path: string) => ((chunk: Buffer) => void) | null;
  /** The tally of a file by its `/`-separated path inside the extracted tree. */
  get(path: string): TextFileTally | undefined;
}

export const TAIL_BYTES = 256;
const PLAIN_CSV = /\.csv$/i;

/**
 * Tallies CSV members while they are extracted, so the install check can count a bundle's rows from bytes that
 * are in memory anyway instead of reading the whole tree back.
 */
export function createLineTally(): LineTally {
  const tallies = new Map<string, { bytes: number; newlines: number; tail: Buffer }>();
  return {
    observe(path) {
      if (!PLAIN_CSV.test(path)) return null;
      const tally = { bytes: 0, newlines: 0, tail: Buffer.alloc(0) };
      tallies.set(path, tally);
      return (chunk) => {
        tally.bytes += chunk.length;
        tally.newlines += countNewlines(chunk);
        // Copied, so a large extraction buffer is never kept alive by its last few bytes.
        tally.tail =
          chunk.length >= TAIL_BYTES
            ? Buffer.from(chunk.subarray(chunk.length - TAIL_BYTES))
            : Buffer.concat([tally.tail, chunk]).subarray(-TAIL_BYTES);
      };
    },
    get: (path) => tallies.get(path),
  };
}
