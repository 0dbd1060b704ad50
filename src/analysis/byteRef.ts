import { closeSync, openSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { AppError, ErrorCode, isAppError } from '../errors';
import { readZipEntrySync, type ZipEntryRef } from '../stages/unzip/readZipEntrySync';
import { readExactlySync } from './tempFileIo';

/**
 * Where one bundle file's bytes are: a file on disk, parts of a file read one after the other (a symbol's rows split
 * out of a long-form file), a member of a zip archive (read in place, never extracted), or bytes already in memory (a
 * member streamed out of a tar.gz). Plain data, so a worker thread can resolve it. `gzip` marks a `.csv.gz` whose
 * content is gunzipped after reading.
 */
export type ByteRef =
  | { readonly kind: 'file'; readonly path: string; readonly gzip: boolean }
  | {
      readonly kind: 'parts';
      readonly path: string;
      /** Offset and length of each part, in order. */
      readonly parts: readonly number[];
      readonly gzip: boolean;
    }
  | { readonly kind: 'zip'; readonly archivePath: string; readonly entry: ZipEntryRef; readonly gzip: boolean }
  | { readonly kind: 'bytes'; readonly data: Uint8Array; readonly gzip: boolean };

/** Reads a file of the bundle whole (one symbol's data is small enough to hold). */
export function readByteRefSync(ref: ByteRef): Buffer {
  try {
    const raw =
      ref.kind === 'file'
        ? readFileSync(ref.path)
        : ref.kind === 'parts'
          ? readPartsSync(ref.path, ref.parts)
          : ref.kind === 'zip'
            ? readZipEntrySync(ref.archivePath, ref.entry)
            : Buffer.from(ref.data.buffer, ref.data.byteOffset, ref.data.byteLength);
    return ref.gzip ? gunzipSync(raw) : raw;
  } catch (error) {
    if (isAppError(error)) throw error;
    throw new AppError(ErrorCode.BundleInvalid, 'A bundle data file cannot be read.', { cause: error });
  }
}

function readPartsSync(path: string, parts: readonly number[]): Buffer {
  let size = 0;
  for (let i = 1; i < parts.length; i += 2) size += parts[i]!;
  const out = Buffer.allocUnsafe(size);
  const fd = openSync(path, 'r');
  try {
    for (let i = 0, at = 0; i < parts.length; at += parts[i + 1]!, i += 2) {
      readExactlySync(fd, out, at, parts[i + 1]!, parts[i]!);
    }
  } finally {
    closeSync(fd);
  }
  return out;
}
