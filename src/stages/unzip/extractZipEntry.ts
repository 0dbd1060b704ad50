import { createReadStream, createWriteStream } from 'node:fs';
import { writeFile, type FileHandle } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { crc32, createInflateRaw, inflateRaw } from 'node:zlib';
import { AppError, ErrorCode } from '../../errors';
import { LOCAL_HEADER_SIZE, ZipMethod, ZipSignature } from '../zip/zipFormat';
import { corruptArchiveError } from './corruptArchiveError';
import { readAt, type ZipDirectoryEntry } from './readZipDirectory';

const inflateRawAsync = promisify(inflateRaw);

/** Entries up to this compressed size are read and inflated in one piece; larger ones are streamed. */
const BUFFERED_LIMIT = 4 * 2 ** 20;
/** Slack read together with the local header so its extra field rarely needs a second read. */
const HEADER_SLACK = 512;

export interface ZipEntryJob {
  readonly archivePath: string;
  readonly handle: FileHandle;
  readonly entry: ZipDirectoryEntry;
  /** Offset where the next member (or the central directory) starts: data must end before it. */
  readonly limitEnd: number;
  readonly targetPath: string;
  readonly displayName: string;
  readonly signal: AbortSignal;
  /** Called with the number of uncompressed bytes just written. */
  readonly onBytes: (bytes: number) => void;
  /** Receives the uncompressed bytes, in order, when someone observes this member. */
  readonly onData: ((chunk: Buffer) => void) | null;
}

/**
 * Writes one member. The output may never exceed the declared size (which the caller already checked against the
 * limits), so a member that lies about its size is stopped after `size + 1` actual bytes.
 */
export async function extractZipEntry(job: ZipEntryJob): Promise<void> {
  const { entry } = job;
  const nameLength = Buffer.byteLength(entry.name, 'utf8');
  const guess = Math.min(
    LOCAL_HEADER_SIZE + nameLength + HEADER_SLACK + (entry.compressedSize <= BUFFERED_LIMIT ? entry.compressedSize : 0),
    job.limitEnd - entry.localHeaderOffset,
  );
  if (guess < LOCAL_HEADER_SIZE) throw corruptArchiveError(`the local header of ${job.displayName} is cut off`);
  const head = await readAt(job.handle, entry.localHeaderOffset, guess);
  if (head.readUInt32LE(0) !== ZipSignature.localFile) {
    throw corruptArchiveError(`the local header of ${job.displayName} is missing`);
  }
  const dataOffset = LOCAL_HEADER_SIZE + head.readUInt16LE(26) + head.readUInt16LE(28);
  const dataStart = entry.localHeaderOffset + dataOffset;
  if (dataStart + entry.compressedSize > job.limitEnd) {
    throw new AppError(
      ErrorCode.UnsafeArchive,
      `Unsafe archive: the data of ${job.displayName} overlaps another entry or the central directory.`,
    );
  }
  if (entry.compressedSize > BUFFERED_LIMIT) {
    await streamEntry(job, dataStart);
    return;
  }
  const compressed =
    dataOffset + entry.compressedSize <= head.length
      ? head.subarray(dataOffset, dataOffset + entry.compressedSize)
      : await readAt(job.handle, dataStart, entry.compressedSize);
  const data = entry.method === ZipMethod.stored ? compressed : await inflateEntry(compressed, job);
  checkOutput(job, data.length, crc32(data));
  // The observer works on the main thread while the thread pool writes.
  const written = writeFile(job.targetPath, data, { flag: 'wx', mode: 0o644 });
  try {
    job.onData?.(data);
  } finally {
    await written;
  }
  job.onBytes(data.length);
}

async function inflateEntry(compressed: Buffer, job: ZipEntryJob): Promise<Buffer> {
  try {
    const limit = Math.max(job.entry.size + 1, 1);
    // One thread-pool round trip for a typical member instead of one per 16 KiB of output (zlib's default chunk),
    // with at most 1 MiB allocated ahead of what the data really inflates to.
    const chunkSize = Math.min(Math.max(limit, 64), 2 ** 20);
    return await inflateRawAsync(compressed, { maxOutputLength: limit, chunkSize });
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') throw oversizeError(job);
    throw corruptArchiveError(`${job.displayName} does not inflate`, error);
  }
}

async function streamEntry(job: ZipEntryJob, dataStart: number): Promise<void> {
  const { entry } = job;
  let written = 0;
  let crc = 0;
  const check = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      written += chunk.length;
      if (written > entry.size) {
        done(oversizeError(job));
        return;
      }
      crc = crc32(chunk, crc);
      job.onData?.(chunk);
      job.onBytes(chunk.length);
      done(null, chunk);
    },
  });
  const source = createReadStream(job.archivePath, {
    start: dataStart,
    end: dataStart + entry.compressedSize - 1,
    highWaterMark: 256 * 1024,
  });
  const target = createWriteStream(job.targetPath, { flags: 'wx', mode: 0o644 });
  const options = { signal: job.signal };
  try {
    if (entry.method === ZipMethod.stored) await pipeline(source, check, target, options);
    else await pipeline(source, createInflateRaw(), check, target, options);
  } catch (error) {
    if (error instanceof AppError || job.signal.aborted) throw error;
    if ((error as { code?: unknown }).code?.toString().startsWith('Z_')) {
      throw corruptArchiveError(`${job.displayName} does not inflate`, error);
    }
    throw error;
  }
  checkOutput(job, written, crc);
}

function checkOutput(job: ZipEntryJob, length: number, crc: number): void {
  if (length !== job.entry.size) {
    throw corruptArchiveError(`${job.displayName} holds ${length} bytes but declares ${job.entry.size}`);
  }
  if (crc >>> 0 !== job.entry.crc >>> 0) throw corruptArchiveError(`${job.displayName} fails its CRC-32 check`);
}

function oversizeError(job: ZipEntryJob): AppError {
  return new AppError(
    ErrorCode.UnsafeArchive,
    `Unsafe archive: ${job.displayName} inflates to more than its declared ${job.entry.size} bytes.`,
  );
}
