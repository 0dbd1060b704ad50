const COMMA = 44;
const QUOTE = 34;
const LF = 10;
const CR = 13;

/** Field byte ranges of one CSV line; reused across lines so scanning allocates nothing. */
export interface FieldRanges {
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  /** Number of fields on the line (may exceed the capacity; ranges past it are not stored). */
  count: number;
}

export function createFieldRanges(capacity = 64): FieldRanges {
  return { starts: new Int32Array(capacity), ends: new Int32Array(capacity), count: 0 };
}

/**
 * Splits the line starting at `pos` into field ranges and returns the position after its line break. A quoted field
 * (RFC 4180) yields the range inside the quotes; doubled quotes inside stay as they are, which only matters for free
 * text such as names. A trailing CR is dropped.
 */
export function scanCsvLine(bytes: Uint8Array, pos: number, end: number, out: FieldRanges): number {
  const capacity = out.starts.length;
  let count = 0;
  let i = pos;
  for (;;) {
    let fieldStart = i;
    let fieldEnd: number;
    if (i < end && bytes[i] === QUOTE) {
      fieldStart = i + 1;
      i = fieldStart;
      for (;;) {
        if (i >= end) break;
        if (bytes[i] === QUOTE) {
          if (bytes[i + 1] === QUOTE) i += 2;
          else break;
        } else i++;
      }
      fieldEnd = i;
      // Skip the closing quote and anything up to the next delimiter.
      while (i < end && bytes[i] !== COMMA && bytes[i] !== LF) i++;
    } else {
      while (i < end) {
        const b = bytes[i];
        if (b === COMMA || b === LF) break;
        i++;
      }
      fieldEnd = i;
    }
    if (fieldEnd > fieldStart && bytes[fieldEnd - 1] === CR && (i >= end || bytes[i] === LF)) fieldEnd--;
    if (count < capacity) {
      out.starts[count] = fieldStart;
      out.ends[count] = fieldEnd;
    }
    count++;
    if (i >= end) {
      out.count = count;
      return end;
    }
    if (bytes[i] === LF) {
      out.count = count;
      return i + 1;
    }
    i++; // past the comma
  }
}

/** True when the line at `pos` holds nothing but an optional CR (blank lines are skipped, not rows). */
export function isBlankLine(bytes: Uint8Array, pos: number, end: number): boolean {
  if (pos >= end) return true;
  const b = bytes[pos];
  return b === LF || (b === CR && (pos + 1 >= end || bytes[pos + 1] === LF));
}

/** Position of the line break ending the line at `pos` (or the end of the bytes). */
export function lineEnd(bytes: Uint8Array, pos: number): number {
  const at = bytes.indexOf(LF, pos);
  return at < 0 ? bytes.length : at;
}
