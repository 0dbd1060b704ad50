import { basename } from 'node:path';
import type { Readable } from 'node:stream';
import { AppError, ErrorCode, isAppError } from '../errors';
import { cancelledError, type StageContext } from '../stages/stageContext';
import { createSpillWriter, type SpillFile, type SpillWriter } from './createSpillWriter';
import { DAY_LIMIT, isWeekday } from './dayNumbers';
import { bomLength, decodeText } from './decodeText';
import { resolveHeaderColumns } from './headerColumns';
import type { DataFile } from './locateBundle';
import { parseDateField } from './parseDateField';
import { openByteRefStream } from './openByteRefStream';
import { createFieldRanges, isBlankLine, scanCsvLine, type FieldRanges } from './scanCsvLine';
import { canonicalizeSymbol } from './symbolCodes';

/** One symbol of a long-form bundle, split out: its rows and their line numbers, as parts of two temporary files. */
export interface SpilledSymbol extends SpillFile {
  readonly symbol: string;
}

// Queued spill bytes before a flush: bounds memory whatever the file size.
const MAX_BUFFERED = 16 * 1024 * 1024;
// Lines between cancellation checks inside one chunk (chunks are also boundaries).
const CHECK_EVERY = 4096;
const PROGRESS_EVERY = 100_000;

interface FileState {
  readonly name: string;
  header: Buffer | null;
  layout: string;
  symbolCol: number;
  /** The date column, as the analysis of each symbol's rows will find it (-1: none). */
  dateCol: number;
  fields: FieldRanges;
  lineNo: number;
  /** Where the last line's symbol field lies (null before the first), and the symbol it named, checked already. */
  lastBytes: Buffer | null;
  lastStart: number;
  lastEnd: number;
  lastSymbol: string;
  /** The symbols met in this file so far, by a hash of their field's bytes (see symbolOf). */
  readonly seen: Map<number, SeenSymbol[]>;
}

interface SeenSymbol {
  /** The symbol field's bytes, copied. */
  readonly bytes: Buffer;
  readonly symbol: string;
}

/** The symbols split out of long-form files, and the dates their lines carry. */
export interface SpilledLongForm {
  /** In symbol order. */
  readonly symbols: SpilledSymbol[];
  /**
   * A byte per day number: 1 for every weekday date a line carries in its date column, the days a calendar derived
   * from the symbols' rows would hold (see createSymbolAnalyzer), known here before any symbol is analysed.
   */
  readonly datesSeen: Uint8Array;
}

/**
 * Reads long-form files (one row per symbol and date, with a symbol column) once, line by line, and spills each
 * symbol's rows to temporary files in `dir` (see createSpillWriter), to be read back as that symbol's CSV, headed by
 * the file's header and in file order, with each line's original line number alongside for issue samples. A symbol
 * found in several files is combined in file-name order when the headers read the same (same columns, units and
 * encoding); under different headers it is BUNDLE_INVALID.
 */
export async function spillLongForm(
  files: readonly DataFile[],
  dir: string,
  ctx: StageContext,
): Promise<SpilledLongForm> {
  const writer = createSpillWriter(dir);
  try {
    return await splitFiles(files, writer, ctx);
  } finally {
    writer.close();
  }
}

async function splitFiles(
  files: readonly DataFile[],
  writer: SpillWriter,
  ctx: StageContext,
): Promise<SpilledLongForm> {
  const datesSeen = new Uint8Array(DAY_LIMIT);
  const layoutOf = new Map<string, { layout: string; file: string }>();
  let total = 0;

  for (const file of files) {
    const state: FileState = {
      name: basename(file.path),
      header: null,
      layout: '',
      symbolCol: -1,
      dateCol: -1,
      fields: createFieldRanges(),
      lineNo: 0,
      lastBytes: null,
      lastStart: 0,
      lastEnd: 0,
      lastSymbol: '',
      seen: new Map(),
    };
    let sinceCheck = 0;

    const consume = (bytes: Buffer, eof: boolean): number => {
      let pos = 0;
      const len = bytes.length;
      if (!state.header) {
        const start = bomLength(bytes);
        if (!eof && (len < 3 || bytes.indexOf(10, start) < 0)) return 0;
        const at = bytes.indexOf(10, start);
        pos = at < 0 ? len : at + 1;
        readHeader(state, bytes.subarray(start, pos));
      }
      const header = state.header!;
      // Consecutive lines of one symbol are queued as one run of bytes: a file sorted by symbol (Quandl's WIKI export
      // is) makes a few runs per chunk rather than one per line. A run ends at another symbol, a blank line, or the
      // end of the chunk.
      let runSymbol = '';
      let runStart = 0;
      let runFirstLine = 0;
      let runLines = 0;
      const endRun = (end: number): void => {
        if (runLines === 0) return;
        writer.append(runSymbol, header, 1, bytes, runStart, end, runFirstLine, runLines);
        runLines = 0;
      };
      // A line is taken only when bytes follow it, so a record cut by the chunk end is read again whole (at the end of
      // the file the rest is read exactly as a whole-file scan would read it).
      while (pos < len) {
        if (isBlankLine(bytes, pos, len)) {
          const at = bytes.indexOf(10, pos);
          const next = at < 0 ? len : at + 1;
          if (!eof && next >= len) break;
          endRun(pos);
          pos = next;
          state.lineNo++;
          continue;
        }
        const next = scanCsvLine(bytes, pos, len, state.fields);
        if (!eof && next >= len) break;
        state.lineNo++;
        const symbol = symbolOf(bytes, state);
        const { dateCol, fields } = state;
        if (dateCol >= 0 && dateCol < fields.count) {
          const day = parseDateField(bytes, fields.starts[dateCol]!, fields.ends[dateCol]!);
          if (day >= 0) datesSeen[day] = 1;
        }
        if (runLines > 0 && symbol === runSymbol) runLines++;
        else {
          endRun(pos);
          runSymbol = symbol;
          runStart = pos;
          runFirstLine = state.lineNo;
          runLines = 1;
        }
        pos = next;
        total++;
        if (++sinceCheck >= CHECK_EVERY) {
          sinceCheck = 0;
          checkCancelled(ctx, state);
        }
        if (total % PROGRESS_EVERY === 0) {
          // done stays 0: the symbol count is unknown until the split ends, and the task's progress must not go back.
          ctx.onProgress({
            done: 0,
            total: null,
            unit: 'rows',
            message: `Splitting ${state.name}: ${total} rows read`,
          });
        }
      }
      endRun(pos);
      if (writer.buffered >= MAX_BUFFERED) writer.flush();
      return pos;
    };

    /**
     * The canonical symbol of the line just scanned. A symbol field with the bytes of the line before's is that
     * symbol; else one met before in this file is found by its bytes (a file sorted by date names a new symbol on
     * every line, and making a string of each took a fifth of the split); the first time a symbol shows in a file it
     * is canonicalised and its layout checked against the other files'.
     */
    const symbolOf = (bytes: Buffer, state: FileState): string => {
      const { fields, symbolCol } = state;
      const has = symbolCol >= 0 && symbolCol < fields.count;
      const start = has ? fields.starts[symbolCol]! : 0;
      const end = has ? fields.ends[symbolCol]! : 0;
      const { lastBytes: last, lastStart, lastEnd } = state;
      // Kept from the current chunk, so that the chunk before it can go.
      state.lastBytes = bytes;
      state.lastStart = start;
      state.lastEnd = end;
      if (last !== null && sameBytes(bytes, start, end, last, lastStart, lastEnd)) return state.lastSymbol;
      const hash = hashBytes(bytes, start, end);
      const bucket = state.seen.get(hash);
      if (bucket) {
        for (const met of bucket) {
          if (sameBytes(bytes, start, end, met.bytes, 0, met.bytes.length)) return (state.lastSymbol = met.symbol);
        }
      }
      const symbol = canonicalizeSymbol(bytes.toString('utf8', start, end)) || '(no symbol)';
      const other = layoutOf.get(symbol);
      if (!other) layoutOf.set(symbol, { layout: state.layout, file: state.name });
      else if (other.layout !== state.layout) {
        throw new AppError(
          ErrorCode.BundleInvalid,
          `Symbol ${symbol} appears in long-form files with different headers (${other.file}, ${state.name}).`,
        );
      }
      const met = { bytes: Buffer.from(bytes.subarray(start, end)), symbol };
      if (bucket) bucket.push(met);
      else state.seen.set(hash, [met]);
      return (state.lastSymbol = symbol);
    };

    let source: Readable | undefined;
    try {
      if (file.ref === null) throw new AppError(ErrorCode.Internal, `The bytes of ${state.name} are not at hand.`);
      source = await openByteRefStream(file.ref);
      let carry: Buffer | null = null;
      for await (const chunk of source as AsyncIterable<Buffer>) {
        checkCancelled(ctx, state);
        const bytes: Buffer = carry && carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
        carry = bytes.subarray(consume(bytes, false));
      }
      checkCancelled(ctx, state);
      if (carry && carry.length > 0) consume(carry, true);
      else if (!state.header) consume(Buffer.alloc(0), true);
    } catch (error) {
      if (isAppError(error)) throw error;
      throw new AppError(ErrorCode.BundleInvalid, 'A bundle data file cannot be read.', { cause: error });
    } finally {
      source?.destroy();
    }
  }
  const symbols = [...writer.finish()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([symbol, spill]) => ({ symbol, ...spill }));
  // Weekend dates are off any calendar (marking every line's date and clearing these once is cheaper per line).
  for (let day = 0; day < DAY_LIMIT; day++) if (!isWeekday(day)) datesSeen[day] = 0;
  return { symbols, datesSeen };
}

/** FNV-1a of bytes[start, end). */
function hashBytes(bytes: Buffer, start: number, end: number): number {
  let hash = 0x811c9dc5;
  for (let i = start; i < end; i++) hash = Math.imul(hash ^ bytes[i]!, 0x01000193);
  return hash;
}

/** Whether bytes[start, end) equal other[otherStart, otherEnd). */
function sameBytes(
  bytes: Buffer,
  start: number,
  end: number,
  other: Buffer,
  otherStart: number,
  otherEnd: number,
): boolean {
  if (end - start !== otherEnd - otherStart) return false;
  for (let i = 0; i < end - start; i++) if (bytes[start + i] !== other[otherStart + i]) return false;
  return true;
}

function readHeader(state: FileState, headerBytes: Buffer): void {
  const decoded = decodeText(headerBytes);
  const header = resolveHeaderColumns(decoded.text.replace(/\r?\n$/, '').split(','));
  state.header = Buffer.from(headerBytes);
  state.lineNo = 1;
  state.symbolCol = header.indexes.symbol;
  state.dateCol = header.indexes.date;
  // Everything the per-symbol analysis reads from a header; equal layouts parse every row the same way.
  state.layout = JSON.stringify([
    decoded.encoding,
    header.fieldCount,
    header.impliedUnits,
    header.splitsInPrices,
    header.indexes,
  ]);
  // A range for every header column, so a symbol column far to the right is still read.
  state.fields = createFieldRanges(Math.max(64, header.fieldCount));
}

function checkCancelled(ctx: StageContext, state: FileState): void {
  if (!ctx.signal.aborted) return;
  ctx.log('WARNING', `Analysis cancelled while splitting ${state.name}, after line ${state.lineNo}.`);
  throw cancelledError('Analysis');
}
