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
  const magic = head.subarray(0, length);
  if (startsWith(magic, ZIP_LOCAL) || startsWith(magic, ZIP_EMPTY)) return 'zip';
  if (startsWith(magic, GZIP)) return 'tar.gz';
  const known = OTHER_FORMATS.find((format) => format.test(magic));
  throw new AppError(
    ErrorCode.UnsupportedArchive,
    `Unsupported archive: ${known?.message ?? 'the file is neither a zip nor a tar.gz archive.'}`,
  );
}

const ZIP_LOCAL = [0x50, 0x4b, 0x03, 0x04];
// An empty zip is only an end record.
const ZIP_EMPTY = [0x50, 0x4b, 0x05, 0x06];
const GZIP = [0x1f, 0x8b];

function startsWith(bytes: Buffer, prefix: readonly number[]): boolean {
  return bytes.length >= prefix.length && prefix.every((byte, i) => bytes[i] === byte);
}

/** Files people download in place of a zip or tar.gz, by their magic bytes, each named in the refusal. */
const OTHER_FORMATS: readonly { message: string; test: (magic: Buffer) => boolean }[] = [
  { message: 'bzip2 is not supported; use zip or tar.gz.', test: (m) => m.toString('latin1', 0, 3) === 'BZh' },
  { message: 'xz is not supported; use zip or tar.gz.', test: (m) => startsWith(m, [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0]) },
  { message: 'zstd is not supported; use zip or tar.gz.', test: (m) => startsWith(m, [0x28, 0xb5, 0x2f, 0xfd]) },
  {
    message: '7-Zip is not supported; use zip or tar.gz.',
    test: (m) => startsWith(m, [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]),
  },
  {
    message: 'RAR is not supported; use zip or tar.gz.',
    test: (m) => startsWith(m, [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07]),
  },
  // "ustar" at offset 257 of the first header: a tar that was never compressed.
  {
    message: 'an uncompressed tar is not supported; use zip or tar.gz (gzip the tar).',
    test: (m) => m.toString('latin1', 257, 262) === 'ustar',
  },
  {
    message: 'the file is a web page (HTML), not an archive; the link may lead to a download page, not to the file.',
    test: (m) => /^\ufeff?\s*<(!doctype html|html|head|body)\b/i.test(m.toString('utf8', 0, 256)),
  },
];
