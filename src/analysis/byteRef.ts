import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { AppError, ErrorCode, isAppError } from '../errors';
import { readZipEntrySync, type ZipEntryRef } from '../stages/unzip/readZipEntrySync';

/**
 * Where one bundle file's bytes are: a file on disk, a member of a zip archive (read in place, never extracted), or
 * bytes already in memory (a member streamed out of a tar.gz). Plain data, so a worker thread can resolve it.
 * `gzip` marks a `.csv.gz` whose content is gunzipped after reading.
 */
export type ByteRef =
  | { readonly kind: 'file'; readonly path: string; readonly gzip: boolean }
  | { readonly kind: 'zip'; readonly archivePath: string; readonly entry: ZipEntryRef; readonly gzip: boolean }
  | { readonly kind: 'bytes'; readonly data: Uint8Array; readonly gzip: boolean };

/** Reads a file of the bundle whole (one symbol's data is small enough to hold). */
export function readByteRefSync(ref: ByteRef): Buffer {
  try {
    const raw =
      ref.kind === 'file'
        ? readFileSync(ref.path)
        : ref.kind === 'zip'
          ? readZipEntrySync(ref.archivePath, ref.entry)
          : Buffer.from(ref.data.buffer, ref.data.byteOffset, ref.data.byteLength);
    return ref.gzip ? gunzipSync(raw) : raw;
  } catch (error) {
    if (isAppError(error)) throw error;
    throw new AppError(ErrorCode.BundleInvalid, 'A bundle data file cannot be read.', { cause: error });
  }
}
