import type { Readable } from 'node:stream';
import { AppError, ErrorCode } from '../errors';
import { throwIfCancelled } from '../stages/stageContext';
import type { BundleStats } from './bundleStats';
import { formatDayNumber } from './dayNumbers';
import { decodeText } from './decodeText';
import { resolveHeaderColumns } from './headerColumns';
import type { DataFile } from './locateBundle';
import { openByteRefStream } from './openByteRefStream';
import { parseDateField } from './parseDateField';
import { createFieldRanges, isBlankLine, scanCsvLine } from './scanCsvLine';

const LF = 10;

/**
 * Rows, distinct symbols and last date of a long-form bundle (a symbol column in every file). Unlike per-symbol
 * files this needs every row's symbol and date, so each file is streamed through once.
 */
export async function measureLongFormFiles(files: readonly DataFile[], signal: AbortSignal): Promise<BundleStats> {
  const symbols = new Set<string>();
  let rows = 0;
  let lastDay = -1;
  for (const file of files) {
    const fields = createFieldRanges();
    let columns: { date: number; symbol: number } | null = null;
    let previousSymbol = Buffer.alloc(0);
    const onLine = (bytes: Buffer, start: number, end: number): void => {
      if (columns === null) {
        const header = resolveHeaderColumns(decodeText(bytes.subarray(start, end)).text.replace(/\r$/, '').split(','));
        columns = { date: header.indexes.date, symbol: header.indexes.symbol };
        return;
      }
      if (isBlankLine(bytes, start, end)) return;
      rows++;
      scanCsvLine(bytes, start, end, fields);
      if (columns.date >= 0 && columns.date < fields.count) {
        lastDay = Math.max(lastDay, parseDateField(bytes, fields.starts[columns.date]!, fields.ends[columns.date]!));
      }
      if (columns.symbol >= 0 && columns.symbol < fields.count) {
        const symbol = bytes.subarray(fields.starts[columns.symbol], fields.ends[columns.symbol]);
        // Long-form files are usually grouped by symbol: compare bytes before making a string.
        if (!symbol.equals(previousSymbol)) {
          previousSymbol = Buffer.from(symbol);
          symbols.add(symbol.toString('latin1').trim());
        }
      }
    };
    await forEachLine(file, signal, onLine);
  }
  symbols.delete('');
  return {
    layout: 'csv-long',
    symbols: symbols.size,
    rows,
    lastDate: lastDay >= 0 ? formatDayNumber(lastDay) : null,
  };
}

async function forEachLine(
  file: DataFile,
  signal: AbortSignal,
  onLine: (bytes: Buffer, start: number, end: number) => void,
): Promise<void> {
  let source: Readable | undefined;
  let carry = Buffer.alloc(0);
  try {
    if (file.ref === null) return;
    source = await openByteRefStream(file.ref);
    for await (const chunk of source as AsyncIterable<Buffer>) {
      throwIfCancelled(signal, 'The bundle check');
      const data = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
      let pos = 0;
      for (let lineEnd = data.indexOf(LF, pos); lineEnd >= 0; lineEnd = data.indexOf(LF, pos)) {
        onLine(data, pos, lineEnd);
        pos = lineEnd + 1;
      }
      carry = Buffer.from(data.subarray(pos));
    }
    if (carry.length > 0) onLine(carry, 0, carry.length);
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError(ErrorCode.BundleInvalid, 'A bundle data file cannot be read.', { cause: error });
  } finally {
    source?.destroy();
  }
}
