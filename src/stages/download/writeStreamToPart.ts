import type { Hash } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { addAbortSignal, type Readable } from 'node:stream';
import { AppError, ErrorCode } from '../../errors';
import type { BytesProgressReporter } from '../reportBytesProgress';

export interface PartWrite {
  readonly partPath: string;
  /** Append to the bytes already in the part (a resume) instead of truncating it. */
  readonly append: boolean;
  /** Hash already fed with the existing bytes when appending. */
  readonly hash: Hash;
  readonly startBytes: number;
  readonly maxBytes: number;
  readonly signal: AbortSignal;
  readonly progress: BytesProgressReporter;
}

export class SizeLimitError extends AppError {
  constructor(maxBytes: number) {
    super(ErrorCode.DownloadFailed, `The archive is larger than the limit of ${maxBytes} bytes.`);
  }
}

/**
 * Streams source into the part file, hashing and counting on the way; returns the part's size afterwards. When the
 * transfer fails (a dropped connection, a cancel), the bytes already received are still written out before the
 * error is rethrown: a resume starts from the part's size on disk, so nothing that arrived is fetched twice.
 */
export async function writeStreamToPart(source: Readable, write: PartWrite): Promise<number> {
  let size = write.startBytes;
  const target = createWriteStream(write.partPath, { flags: write.append ? 'a' : 'w', highWaterMark: 1024 * 1024 });
  // A write error (disk full) must end the loop even while it waits for 'drain'.
  const failed = new Promise<never>((_resolve, reject) => target.once('error', reject));
  failed.catch(() => undefined);
  try {
    for await (const chunk of addAbortSignal(write.signal, source) as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > write.maxBytes) throw new SizeLimitError(write.maxBytes);
      write.hash.update(chunk);
      write.progress.update(size);
      if (!target.write(chunk)) await Promise.race([once(target, 'drain'), failed]);
    }
  } catch (error) {
    await closePart(target, failed).catch(() => undefined);
    throw error;
  }
  await closePart(target, failed);
  return size;
}

/** Ends the part file once every accepted chunk is on disk; rejects with the write error if one happened. */
async function closePart(target: WriteStream, failed: Promise<never>): Promise<void> {
  if (target.errored !== null) throw target.errored;
  if (target.destroyed) return;
  target.end();
  await Promise.race([once(target, 'close'), failed]);
}
