import { closeSync, openSync, readSync } from 'node:fs';
import { crc32, inflateRawSync } from 'node:zlib';
import { LOCAL_HEADER_SIZE, ZipMethod, ZipSignature } from '../zip/zipFormat';
import { corruptArchiveError } from './corruptArchiveError';
import type { ZipDirectoryEntry } from './readZipDirectory';

/** What it takes to read one member again: plain data, so it can be posted to a worker thread. */
export type ZipEntryRef = Pick<
  ZipDirectoryEntry,
  'name' | 'method' | 'crc' | 'compressedSize' | 'size' | 'localHeaderOffset'
>;

/**
 * Reads and inflates one member of a zip archive in memory, synchronously (for worker threads, where blocking is the
 * point), checking its size and CRC-32 as extraction does. Members larger than memory allows are the caller's limit.
 */
export function readZipEntrySync(archivePath: string, entry: ZipEntryRef): Buffer {
  const fd = openSync(archivePath, 'r');
  try {
    const header = readExactly(fd, entry.localHeaderOffset, LOCAL_HEADER_SIZE, entry.name);
    if (header.readUInt32LE(0) !== ZipSignature.localFile) {
      throw corruptArchiveError(`the local header of ${JSON.stringify(entry.name)} is missing`);
    }
    const dataStart = entry.localHeaderOffset + LOCAL_HEADER_SIZE + header.readUInt16LE(26) + header.readUInt16LE(28);
    const compressed = readExactly(fd, dataStart, entry.compressedSize, entry.name);
    let data: Buffer;
    if (entry.method === ZipMethod.stored) data = compressed;
    else if (entry.method === ZipMethod.deflate) {
      try {
        data = inflateRawSync(compressed, { maxOutputLength: Math.max(entry.size + 1, 1) });
      } catch (error) {
        throw corruptArchiveError(`${JSON.stringify(entry.name)} does not inflate`, error);
      }
    } else throw corruptArchiveError(`${JSON.stringify(entry.name)} uses compression method ${entry.method}`);
    if (data.length !== entry.size || crc32(data) >>> 0 !== entry.crc >>> 0) {
      throw corruptArchiveError(`${JSON.stringify(entry.name)} fails its size or CRC-32 check`);
    }
    return data;
  } finally {
    closeSync(fd);
  }
}

function readExactly(fd: number, position: number, length: number, name: string): Buffer {
  const buffer = Buffer.allocUnsafe(length);
  let filled = 0;
  while (filled < length) {
    const read = readSync(fd, buffer, filled, length - filled, position + filled);
    if (read === 0) throw corruptArchiveError(`${JSON.stringify(name)} is cut off`);
    filled += read;
  }
  return buffer;
}
