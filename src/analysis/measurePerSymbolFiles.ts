import { throwIfCancelled } from '../stages/stageContext';
import { runPool } from '../stages/unzip/runPool';
import type { BundleStats } from './bundleStats';
import { openByteRefStream } from './openByteRefStream';
import { countNewlines } from './countNewlines';
import { TAIL_BYTES, type LineTally, type TextFileTally } from './createLineTally';
import { formatDayNumber } from './dayNumbers';
import type { ColumnIndexes } from './headerColumns';
import type { DataFile } from './locateBundle';
import { parseDateField } from './parseDateField';
import { createFieldRanges, scanCsvLine } from './scanCsvLine';

const LF = 10;
const CR = 13;

/**
 * Rows, symbols and last date of a per-symbol CSV bundle. Files tallied during extraction cost nothing more; the
 * others (gzip members, or a tree on disk) are read once. The last date comes from each file's last line.
 */
export async function measurePerSymbolFiles(
  files: readonly DataFile[],
  columns: ColumnIndexes,
  signal: AbortSignal,
  tally?: LineTally,
): Promise<BundleStats> {
  let symbols = 0;
  let rows = 0;
  let lastDay = -1;
  await runPool(
    files,
    8,
    async (file) => {
      const counted = (file.ref?.gzip === false ? tally?.get(file.path) : undefined) ?? (await tallyFile(file));
      const measured = measureTally(counted, columns.date);
      if (measured.rows > 0) symbols++;
      rows += measured.rows;
      lastDay = Math.max(lastDay, measured.lastDay);
    },
    () => throwIfCancelled(signal, 'The bundle check'),
  );
  return { layout: 'csv-daily', symbols, rows, lastDate: lastDay >= 0 ? formatDayNumber(lastDay) : null };
}

/** Reads a file the extraction did not tally (a gzip member, or a tree counted before this check existed). */
async function tallyFile(file: DataFile): Promise<TextFileTally> {
  let bytes = 0;
  let newlines = 0;
  let tail = Buffer.alloc(0);
  if (file.ref !== null) {
    const source = await openByteRefStream(file.ref);
    try {
      for await (const chunk of source as AsyncIterable<Buffer>) {
        bytes += chunk.length;
        newlines += countNewlines(chunk);
        tail = Buffer.concat([tail, chunk]).subarray(-TAIL_BYTES);
      }
    } finally {
      source.destroy();
    }
  }
  return { bytes, newlines, tail: Buffer.from(tail) };
}

/** Lines after the header, not counting blank lines at the end; the date of the last line (-1 when unknown). */
function measureTally(tally: TextFileTally, dateColumn: number): { rows: number; lastDay: number } {
  const { tail } = tally;
  // Step back over the line breaks that end the file: the first one ends the last line, any more are blank lines.
  let end = tail.length;
  let trailingBreaks = 0;
  while (end > 0 && (tail[end - 1] === LF || tail[end - 1] === CR)) {
    if (tail[end - 1] === LF) trailingBreaks++;
    end--;
  }
  const lines = tally.newlines - trailingBreaks + (end > 0 || tally.bytes > tail.length ? 1 : 0);
  const rows = Math.max(0, lines - 1);
  if (rows === 0 || end === 0) return { rows, lastDay: -1 };
  const start = tail.lastIndexOf(LF, end - 1) + 1;
  // A last line longer than the tail cannot be read from it; the file then adds no date.
  if (start === 0 && tally.bytes > tail.length) return { rows, lastDay: -1 };
  const fields = createFieldRanges();
  scanCsvLine(tail, start, end, fields);
  if (dateColumn >= fields.count) return { rows, lastDay: -1 };
  return { rows, lastDay: parseDateField(tail, fields.starts[dateColumn]!, fields.ends[dateColumn]!) };
}
