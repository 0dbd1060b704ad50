import { AppError, ErrorCode } from '../errors';
import type { StageLog } from '../stages/progress';
import { formatCount } from './bundleStats';
import { REQUIRED_COLUMNS, type ColumnIndexes } from './headerColumns';
import { readHead, type CsvLayout } from './locateBundle';
import { INVALID_NUMBER, parseNumberField } from './parseNumberField';
import { parseDateField } from './parseDateField';
import { readHeaderBlock } from './readHeaderBlock';
import { createFieldRanges, isBlankLine, scanCsvLine } from './scanCsvLine';

const SAMPLE_FILES = 16;
const SAMPLE_ROWS = 3;
const HEAD_BYTES = 64 * 1024;

/**
 * Reads the head of up to 16 data files spread over the bundle: each header must name the required columns (and a
 * symbol column in long form) and its first rows must have a date and a close that parse. More than half of the
 * sample failing fails the bundle (BUNDLE_INVALID with examples); a few failing files are left to the analysis.
 * Returns the column indexes of the first usable header.
 */
export async function checkCsvSample(layout: CsvLayout, log: StageLog): Promise<ColumnIndexes> {
  const sample = spread(layout.files, SAMPLE_FILES);
  const problems: string[] = [];
  let columns: ColumnIndexes | null = null;
  for (const file of sample) {
    const name = file.path;
    const head = file.ref === null ? Buffer.alloc(0) : await readHead(file.ref, HEAD_BYTES);
    const result = checkHead(head, head.length < HEAD_BYTES, layout.kind === 'long');
    if (typeof result === 'string') problems.push(`${name}: ${result}`);
    else columns ??= result;
  }
  const expected =
    `expected a header naming ${REQUIRED_COLUMNS.join(', ')}${layout.kind === 'long' ? ' and symbol' : ''} ` +
    '(any order, common aliases accepted) followed by rows whose date and close parse';
  if (columns === null || problems.length * 2 > sample.length) {
    throw new AppError(
      ErrorCode.BundleInvalid,
      `The bundle's CSV files are not usable: ${formatCount(problems.length)} of ${formatCount(sample.length)} ` +
        `sampled files fail (${problems.slice(0, 3).join('; ')}); ${expected}.`,
    );
  }
  if (problems.length > 0) log('WARNING', `Some sampled data files look unusable: ${problems.slice(0, 3).join('; ')}.`);
  return columns;
}

/** Up to `count` items spread evenly from first to last. */
function spread<T>(items: readonly T[], count: number): T[] {
  if (items.length <= count) return [...items];
  const picked = new Set<number>();
  for (let i = 0; i < count; i++) picked.add(Math.round((i * (items.length - 1)) / (count - 1)));
  return [...picked].map((index) => items[index]!);
}

/** The header's columns, or what is wrong with the head of the file. */
function checkHead(head: Buffer, complete: boolean, long: boolean): ColumnIndexes | string {
  const block = readHeaderBlock(head);
  const { header } = block;
  if (block.text.trim() === '') return 'the file is empty';
  if (header.missing.length > 0) {
    const firstField = Buffer.from(block.text.split(',')[0]!.trim(), 'latin1');
    return parseDateField(firstField, 0, firstField.length) >= 0
      ? 'no header row (the first line is data)'
      : `the header lacks ${header.missing.join(', ')}`;
  }
  if (long && header.indexes.symbol < 0) return 'the header has no symbol column';
  const fields = createFieldRanges();
  let pos = block.bodyStart;
  let lineNo = block.lines;
  let rows = 0;
  while (rows < SAMPLE_ROWS && pos < head.length) {
    const lineEnd = head.indexOf(10, pos);
    // A line cut off by the end of the sample is not judged, unless the sample is the whole file.
    if (lineEnd < 0 && !complete) break;
    lineNo++;
    if (isBlankLine(head, pos, head.length)) {
      pos = lineEnd < 0 ? head.length : lineEnd + 1;
      continue;
    }
    const next = scanCsvLine(head, pos, head.length, fields);
    const field = (index: number): [number, number] => [fields.starts[index] ?? 0, fields.ends[index] ?? 0];
    const [dateStart, dateEnd] = field(header.indexes.date);
    const [closeStart, closeEnd] = field(header.indexes.close);
    const close = header.indexes.close < fields.count ? parseNumberField(head, closeStart, closeEnd) : INVALID_NUMBER;
    const dateOk = header.indexes.date < fields.count && parseDateField(head, dateStart, dateEnd) >= 0;
    if (!dateOk || close === INVALID_NUMBER) {
      const text = head
        .subarray(pos, Math.min(next, pos + 60))
        .toString('latin1')
        .trim();
      return `line ${lineNo} ("${text}") has no ${dateOk ? 'numeric close' : 'valid date'}`;
    }
    rows++;
    pos = next;
  }
  return header.indexes;
}
