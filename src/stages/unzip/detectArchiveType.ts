import { open } from 'node:fs/promises';
import { AppError, ErrorCode } from '../../errors';
import { TAR_BLOCK } from './parseTarHeader';

export type ArchiveType = 'zip' | 'tar.gz';

/** The archive type by magic bytes, not by name; UNSUPPORTED_ARCHIVE for anything else, naming what it is when known. */
export async function detectArchiveType(archivePath: string): Promise<ArchiveType> {
  const head = Buffer.alloc(TAR_BLOCK);
  let length: number;
  try {
    const handle = await open(archivePath, 'r');
    try {
      ({ bytesRead: length } = await handle.read(head, 0, head.length, 0));
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw new AppError(ErrorCode.UnsupportedArchive, 'The downloaded archive cannot be opened.', { cause: error });
  }
  const read = head.subarray(0, length);
  if (hasAt(read, 0, ZIP_LOCAL) || hasAt(read, 0, ZIP_EMPTY)) return 'zip';
  if (hasAt(read, 0, GZIP)) return 'tar.gz';
  const known = OTHER_FORMATS.find((format) => format.test(read));
  throw new AppError(
    ErrorCode.UnsupportedArchive,
    `Unsupported archive: ${known?.message ?? 'the file is neither a zip nor a tar.gz archive.'}`,
  );
}

const ZIP_LOCAL = Buffer.from('504b0304', 'hex');
// An empty zip is only an end record.
const ZIP_EMPTY = Buffer.from('504b0506', 'hex');
const GZIP = Buffer.from('1f8b', 'hex');

/** Whether `bytes` hold `expected` at `at`. */
function hasAt(bytes: Buffer, at: number, expected: Buffer): boolean {
  return bytes.subarray(at, at + expected.length).equals(expected);
}

/** A test for a file that starts with the bytes `hex` spells. */
function magic(hex: string): (head: Buffer) => boolean {
  const expected = Buffer.from(hex, 'hex');
  return (head) => hasAt(head, 0, expected);
}

/** Files people download in place of a zip or tar.gz, by their magic bytes, each named in the refusal. */
const OTHER_FORMATS: readonly { message: string; test: (head: Buffer) => boolean }[] = [
  { message: 'bzip2 is not supported; use zip or tar.gz.', test: magic('425a68') },
  { message: 'xz is not supported; use zip or tar.gz.', test: magic('fd377a585a00') },
  { message: 'zstd is not supported; use zip or tar.gz.', test: magic('28b52ffd') },
  { message: '7-Zip is not supported; use zip or tar.gz.', test: magic('377abcaf271c') },
  { message: 'RAR is not supported; use zip or tar.gz.', test: magic('526172211a07') },
  // "ustar" at offset 257 of the first header: a tar that was never compressed.
  {
    message: 'an uncompressed tar is not supported; use zip or tar.gz (gzip the tar).',
    test: (head) => hasAt(head, 257, Buffer.from('ustar', 'latin1')),
  },
  {
    message: 'the file is a web page (HTML), not an archive; the link may lead to a download page, not to the file.',
    test: (head) => /^\ufeff?\s*<(!doctype html|html|head|body)\b/i.test(head.toString('utf8', 0, 256)),
  },
];
