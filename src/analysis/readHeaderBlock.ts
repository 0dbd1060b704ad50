import { bomLength, decodeText, type TextEncodingName } from './decodeText';
import { resolveHeaderColumns, type HeaderColumns } from './headerColumns';
import { isBlankLine, lineEnd } from './scanCsvLine';

/** A CSV file's header block: the header line and whatever belongs to it before the data. */
export interface HeaderBlock {
  readonly header: HeaderColumns;
  readonly encoding: TextEncodingName;
  /** The header line as decoded, without its line break. */
  readonly text: string;
  /** The header line's bytes, from its first byte to its line break (a CR before it excluded). */
  readonly start: number;
  readonly end: number;
  /** Where the data lines begin. */
  readonly bodyStart: number;
  /** How many lines come before bodyStart: blank lines, the header, its continuation lines. */
  readonly lines: number;
}

/**
 * Reads the header block of CSV bytes, one way for the analysis, the install's sample check and the diff: the first
 * non-blank line after a UTF-8 byte-order mark, decoded as UTF-8 or GB18030, its columns resolved (headerColumns), and
 * the continuation lines yfinance's download() writes under it. Bytes with no non-blank line give an empty header,
 * which lacks every required column.
 */
export function readHeaderBlock(bytes: Uint8Array): HeaderBlock {
  const end = bytes.length;
  let pos = bomLength(bytes);
  let lines = 0;
  while (pos < end && isBlankLine(bytes, pos, end)) {
    pos = lineEnd(bytes, pos) + 1;
    lines++;
  }
  const start = Math.min(pos, end);
  const lineBreak = lineEnd(bytes, start);
  const headerEnd = lineBreak > start && bytes[lineBreak - 1] === CR ? lineBreak - 1 : lineBreak;
  const decoded = decodeText(bytes.subarray(start, headerEnd));
  const header = resolveHeaderColumns(decoded.text.split(','));
  const body = skipContinuationLines(bytes, Math.min(end, lineBreak + 1), end, header);
  return {
    header,
    encoding: decoded.encoding,
    text: decoded.text,
    start,
    end: headerEnd,
    bodyStart: body.pos,
    lines: lines + 1 + body.lines,
  };
}

const CR = 13;
const COMMA = 44;
const CONTINUATION_NAMES = new Set(['ticker', 'date']);

/**
 * Skips the header's continuation lines from `pos` (the line after the header), each only when its first field is
 * one yfinance writes there (`Ticker`, `Date`); returns where the data begins and how many lines were skipped.
 */
function skipContinuationLines(
  bytes: Uint8Array,
  pos: number,
  end: number,
  header: HeaderColumns,
): { pos: number; lines: number } {
  let lines = 0;
  while (lines < header.continuationLines && pos < end) {
    const lineBreak = lineEnd(bytes, pos);
    let fieldEnd = pos;
    while (fieldEnd < lineBreak && bytes[fieldEnd] !== COMMA) fieldEnd++;
    const name = Buffer.from(bytes.buffer, bytes.byteOffset + pos, fieldEnd - pos).toString('latin1');
    if (!CONTINUATION_NAMES.has(name.trim().toLowerCase())) break;
    pos = Math.min(end, lineBreak + 1);
    lines++;
  }
  return { pos, lines };
}
