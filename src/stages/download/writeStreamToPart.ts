import type { Hash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
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

/** Streams source into the part file, hashing and counting on the way; returns the part's size afterwards. */
export async function writeStreamToPart(source: Readable, write: PartWrite): Promise<number> {
  let size = write.startBytes;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length;
      if (size > write.maxBytes) {
        done(new SizeLimitError(write.maxBytes));
        return;
      }
      write.hash.update(chunk);
      write.progress.update(size);
      done(null, chunk);
    },
  });
  const target = createWriteStream(write.partPath, { flags: write.append ? 'a' : 'w', highWaterMark: 1024 * 1024 });
  await pipeline(source, meter, target, { signal: write.signal });
  return size;
}
