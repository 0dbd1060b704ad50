import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline, Readable } from 'node:stream';
import { createGunzip, createInflateRaw } from 'node:zlib';
import { readAt } from '../stages/unzip/readZipDirectory';
import { LOCAL_HEADER_SIZE, ZipMethod } from '../stages/zip/zipFormat';
import { readByteRefSync, type ByteRef } from './byteRef';

const CHUNK = 1024 * 1024;

/**
 * A bundle file's bytes as a stream (decompressed), for files too large to hold whole: a long-form CSV, or the head
 * of one being sniffed. Destroying the returned stream releases whatever it opened.
 */
export async function openByteRefStream(ref: ByteRef): Promise<Readable> {
  let raw: Readable;
  if (ref.kind === 'file') raw = createReadStream(ref.path, { highWaterMark: CHUNK });
  else if (ref.kind === 'bytes')
    raw = Readable.from([Buffer.from(ref.data.buffer, ref.data.byteOffset, ref.data.byteLength)]);
  // One symbol's parts of a split long-form file: small enough to read whole.
  else if (ref.kind === 'parts') raw = Readable.from([readByteRefSync({ ...ref, gzip: false })]);
  else if (ref.entry.compressedSize === 0) raw = Readable.from([]);
  else {
    const handle = await open(ref.archivePath, 'r');
    let start: number;
    try {
      const header = await readAt(handle, ref.entry.localHeaderOffset, LOCAL_HEADER_SIZE);
      start = ref.entry.localHeaderOffset + LOCAL_HEADER_SIZE + header.readUInt16LE(26) + header.readUInt16LE(28);
    } finally {
      await handle.close();
    }
    const end = start + ref.entry.compressedSize - 1;
    const compressed = createReadStream(ref.archivePath, { start, end, highWaterMark: CHUNK });
    raw =
      ref.entry.method === ZipMethod.stored
        ? compressed
        : pipeline(compressed, createInflateRaw({ chunkSize: CHUNK }), () => undefined);
  }
  // pipeline destroys both streams when either fails or the consumer stops early.
  return ref.gzip ? pipeline(raw, createGunzip({ chunkSize: CHUNK }), () => undefined) : raw;
}
