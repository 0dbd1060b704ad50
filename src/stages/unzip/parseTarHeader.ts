import { corruptArchiveError } from './corruptArchiveError';

export const TAR_BLOCK = 512;

export interface TarHeader {
  readonly name: string;
  readonly size: number;
  /** The POSIX typeflag character ('0' for a file, '5' for a directory, 'x' for a pax header, ...). */
  readonly type: string;
  readonly linkName: string;
}

/** Parses one 512-byte ustar/GNU header block; returns null for an all-zero (end-of-archive) block. */
export function parseTarHeader(block: Buffer): TarHeader | null {
  if (block.every((byte) => byte === 0)) return null;
  const stored = readOctal(block, 148, 8);
  let sum = 0;
  for (let index = 0; index < TAR_BLOCK; index += 1) {
    sum += index >= 148 && index < 156 ? 0x20 : (block[index] ?? 0);
  }
  if (stored !== sum) throw corruptArchiveError('a tar header fails its checksum');
  const magic = block.toString('latin1', 257, 263);
  const name = readString(block, 0, 100);
  const prefix = magic === 'ustar\u0000' ? readString(block, 345, 155) : '';
  const typeByte = block[156] ?? 0;
  return {
    name: prefix === '' ? name : `${prefix}/${name}`,
    size: readSize(block),
    type: typeByte === 0 ? '0' : String.fromCharCode(typeByte),
    linkName: readString(block, 157, 100),
  };
}

/** Reads pax extended-header records ("<length> <key>=<value>\n"). */
export function parsePaxRecords(data: Buffer): Map<string, string> {
  const records = new Map<string, string>();
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    if (space < 0) break;
    const length = Number.parseInt(data.toString('latin1', at, space), 10);
    if (!Number.isInteger(length) || length <= 0 || at + length > data.length) {
      throw corruptArchiveError('a pax header record is malformed');
    }
    const record = data.toString('utf8', space + 1, at + length - 1);
    const equals = record.indexOf('=');
    if (equals > 0) records.set(record.slice(0, equals), record.slice(equals + 1));
    at += length;
  }
  return records;
}

function readString(block: Buffer, start: number, length: number): string {
  const field = block.subarray(start, start + length);
  const end = field.indexOf(0);
  return field.toString('utf8', 0, end < 0 ? length : end);
}

function readOctal(block: Buffer, start: number, length: number): number {
  const text = block
    .toString('latin1', start, start + length)
    .replace(/[\0 ]+$/g, '')
    .trim();
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) throw corruptArchiveError('a tar header has a malformed number');
  return Number.parseInt(text, 8);
}

/** Sizes over 8 GiB use GNU base-256: the first byte has its high bit set, the rest is big-endian. */
function readSize(block: Buffer): number {
  const first = block[124] ?? 0;
  if ((first & 0x80) === 0) return readOctal(block, 124, 12);
  let value = first & 0x7f;
  for (let index = 125; index < 136; index += 1) value = value * 256 + (block[index] ?? 0);
  if (!Number.isSafeInteger(value)) throw corruptArchiveError('a tar entry size is out of range');
  return value;
}
