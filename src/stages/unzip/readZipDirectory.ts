import type { FileHandle } from 'node:fs/promises';
import {
  CENTRAL_HEADER_SIZE,
  EOCD_SIZE,
  HOST_UNIX,
  ZIP16_MAX,
  ZIP32_MAX,
  ZIP64_EXTRA_ID,
  ZIP64_LOCATOR_SIZE,
  ZipFlag,
  ZipSignature,
} from '../zip/zipFormat';
import { AppError, ErrorCode } from '../../errors';
import { corruptArchiveError } from './corruptArchiveError';

export interface ZipDirectoryEntry {
  readonly name: string;
  /** The name as stored in the central directory, to compare with the member's local header. */
  readonly nameBytes: Buffer;
  readonly flags: number;
  readonly method: number;
  readonly crc: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly localHeaderOffset: number;
  /** Unix mode from the external attributes when the creator was a Unix-like host, else null. */
  readonly unixMode: number | null;
  /** MS-DOS attribute byte (0x10 = directory). */
  readonly dosAttributes: number;
}

export interface ZipDirectory {
  readonly entries: ZipDirectoryEntry[];
  /** Where the central directory starts: no member data may extend past it. */
  readonly centralDirectoryOffset: number;
}

const MAX_COMMENT = 0xffff;
const HOST_DARWIN = 19;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads the end records and the whole central directory (zip64 aware). An archive declaring more than maxEntries
 * members is rejected before its directory is read, so a huge directory cannot exhaust memory first.
 */
export async function readZipDirectory(
  handle: FileHandle,
  fileSize: number,
  maxEntries = Number.MAX_SAFE_INTEGER,
): Promise<ZipDirectory> {
  const tailLength = Math.min(fileSize, EOCD_SIZE + MAX_COMMENT);
  const tail = await readAt(handle, fileSize - tailLength, tailLength);
  let eocd = -1;
  for (let at = tail.length - EOCD_SIZE; at >= 0; at -= 1) {
    if (tail.readUInt32LE(at) === ZipSignature.endOfCentralDirectory) {
      eocd = at;
      break;
    }
  }
  if (eocd < 0) throw corruptArchiveError('the zip end-of-central-directory record is missing');
  const eocdOffset = fileSize - tailLength + eocd;
  let count = tail.readUInt16LE(eocd + 10);
  let cdSize = tail.readUInt32LE(eocd + 12);
  let cdOffset = tail.readUInt32LE(eocd + 16);
  let cdEnd = eocdOffset;

  const locatorOffset = eocdOffset - ZIP64_LOCATOR_SIZE;
  if (locatorOffset >= 0) {
    const locator = await readAt(handle, locatorOffset, ZIP64_LOCATOR_SIZE);
    if (locator.readUInt32LE(0) === ZipSignature.zip64Locator) {
      const recordOffset = toSafeNumber(locator.readBigUInt64LE(8));
      const record = await readAt(handle, recordOffset, 56);
      if (record.readUInt32LE(0) !== ZipSignature.zip64EndOfCentralDirectory) {
        throw corruptArchiveError('the zip64 end-of-central-directory record is missing');
      }
      count = toSafeNumber(record.readBigUInt64LE(32));
      cdSize = toSafeNumber(record.readBigUInt64LE(40));
      cdOffset = toSafeNumber(record.readBigUInt64LE(48));
      cdEnd = recordOffset;
    }
  } else if (count === ZIP16_MAX || cdOffset === ZIP32_MAX) {
    throw corruptArchiveError('the zip64 end records are missing');
  }
  if (count > maxEntries) {
    throw new AppError(ErrorCode.UnsafeArchive, `Unsafe archive: more than ${maxEntries} entries.`);
  }
  if (cdOffset + cdSize > cdEnd) throw corruptArchiveError('the central directory lies outside the file');

  const cd = await readAt(handle, cdOffset, cdSize);
  const entries: ZipDirectoryEntry[] = [];
  let at = 0;
  for (let index = 0; index < count; index += 1) {
    if (at + CENTRAL_HEADER_SIZE > cd.length || cd.readUInt32LE(at) !== ZipSignature.centralFile) {
      throw corruptArchiveError(`central directory entry ${index + 1} of ${count} is damaged`);
    }
    const nameLength = cd.readUInt16LE(at + 28);
    const extraLength = cd.readUInt16LE(at + 30);
    const commentLength = cd.readUInt16LE(at + 32);
    const end = at + CENTRAL_HEADER_SIZE + nameLength + extraLength + commentLength;
    if (end > cd.length) throw corruptArchiveError(`central directory entry ${index + 1} is cut off`);
    const nameBytes = cd.subarray(at + CENTRAL_HEADER_SIZE, at + CENTRAL_HEADER_SIZE + nameLength);
    const extra = cd.subarray(
      at + CENTRAL_HEADER_SIZE + nameLength,
      at + CENTRAL_HEADER_SIZE + nameLength + extraLength,
    );
    const wide = readZip64Fields(extra, {
      size: cd.readUInt32LE(at + 24),
      compressedSize: cd.readUInt32LE(at + 20),
      localHeaderOffset: cd.readUInt32LE(at + 42),
    });
    const host = cd.readUInt8(at + 5);
    const external = cd.readUInt32LE(at + 38);
    const flags = cd.readUInt16LE(at + 8);
    entries.push({
      name: decodeName(nameBytes, flags),
      nameBytes,
      flags,
      method: cd.readUInt16LE(at + 10),
      crc: cd.readUInt32LE(at + 16),
      ...wide,
      unixMode: host === HOST_UNIX || host === HOST_DARWIN ? external >>> 16 : null,
      dosAttributes: external & 0xff,
    });
    at = end;
  }
  return { entries, centralDirectoryOffset: cdOffset };
}

interface SizeFields {
  size: number;
  compressedSize: number;
  localHeaderOffset: number;
}

/** Replaces 0xFFFFFFFF fields by the zip64 extra field's values, which appear in this fixed order. */
function readZip64Fields(extra: Buffer, fields: SizeFields): SizeFields {
  const order = ['size', 'compressedSize', 'localHeaderOffset'] as const;
  if (!order.some((key) => fields[key] === ZIP32_MAX)) return fields;
  let at = 0;
  while (at + 4 <= extra.length) {
    const id = extra.readUInt16LE(at);
    const length = extra.readUInt16LE(at + 2);
    if (id === ZIP64_EXTRA_ID) {
      const result = { ...fields };
      let field = at + 4;
      for (const key of order) {
        if (fields[key] !== ZIP32_MAX) continue;
        if (field + 8 > at + 4 + length) throw corruptArchiveError('a zip64 extra field is too short');
        result[key] = toSafeNumber(extra.readBigUInt64LE(field));
        field += 8;
      }
      return result;
    }
    at += 4 + length;
  }
  throw corruptArchiveError('a zip64 entry lacks its extra field');
}

/** Names are UTF-8 when flagged or when they decode as UTF-8; otherwise treat them as single-byte text. */
function decodeName(bytes: Buffer, flags: number): string {
  if ((flags & ZipFlag.utf8Name) !== 0) return bytes.toString('utf8');
  try {
    return utf8.decode(bytes);
  } catch {
    return bytes.toString('latin1');
  }
}

export async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.allocUnsafe(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await handle.read(buffer, filled, length - filled, position + filled);
    if (bytesRead === 0) throw corruptArchiveError('the file ends early');
    filled += bytesRead;
  }
  return buffer;
}

function toSafeNumber(value: bigint): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw corruptArchiveError('a zip64 size is out of range');
  return Number(value);
}
