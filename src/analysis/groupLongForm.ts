import { bomLength, decodeText } from './decodeText';
import { resolveHeaderColumns } from './headerColumns';
import { createFieldRanges, isBlankLine, scanCsvLine } from './scanCsvLine';
import { canonicalizeSymbol } from './symbolCodes';

/**
 * Splits a long-form file (one row per symbol and date, with a symbol column) into per-symbol CSV buffers that start
 * with the file's header, keeping each symbol's rows in file order. The file is held in memory while grouping, so
 * long form suits files up to a few hundred MB; large bundles should use daily/<SYMBOL>.csv.
 */
export function groupLongForm(bytes: Buffer): Map<string, Buffer> {
  const start = bomLength(bytes);
  const headerEnd = lineEnd(bytes, start);
  const headerBytes = bytes.subarray(start, headerEnd);
  const header = resolveHeaderColumns(
    decodeText(headerBytes)
      .text.replace(/\r?\n$/, '')
      .split(','),
  );
  const symbolCol = header.indexes.symbol;
  const groups = new Map<string, Buffer[]>();
  // A range for every header column, so a symbol column far to the right is still read.
  const fields = createFieldRanges(Math.max(64, header.fieldCount));
  let pos = headerEnd;
  while (pos < bytes.length) {
    if (isBlankLine(bytes, pos, bytes.length)) {
      pos = lineEnd(bytes, pos);
      continue;
    }
    const lineStart = pos;
    pos = scanCsvLine(bytes, pos, bytes.length, fields);
    const raw =
      symbolCol >= 0 && symbolCol < fields.count
        ? bytes.toString('utf8', fields.starts[symbolCol], fields.ends[symbolCol])
        : '';
    const symbol = canonicalizeSymbol(raw) || '(no symbol)';
    let lines = groups.get(symbol);
    if (!lines) groups.set(symbol, (lines = [headerBytes]));
    const line = bytes.subarray(lineStart, pos);
    lines.push(line[line.length - 1] === 10 ? line : Buffer.concat([line, Buffer.from('\n')]));
  }
  const result = new Map<string, Buffer>();
  for (const symbol of [...groups.keys()].sort()) result.set(symbol, Buffer.concat(groups.get(symbol)!));
  return result;
}

function lineEnd(bytes: Buffer, pos: number): number {
  const at = bytes.indexOf(10, pos);
  return at < 0 ? bytes.length : at + 1;
}
