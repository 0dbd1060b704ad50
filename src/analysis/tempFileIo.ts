import { readSync, writeSync } from 'node:fs';
import { AppError, ErrorCode } from '../errors';

/**
 * Writes data[0, length) to the file open as `fd`, at `position` or appended, whole or an error (a full disk is
 * ENOSPC).
 */
export function writeWholeSync(fd: number, data: Uint8Array, length = data.length, position?: number): void {
  // A write that makes no progress would loop forever.
  for (let at = 0; at < length;) {
    const wrote = writeSync(fd, data, at, length - at, position === undefined ? null : position + at);
    if (wrote <= 0) throw new AppError(ErrorCode.Internal, 'A temporary analysis file could not be written.');
    at += wrote;
  }
}

/** Fills target[at, at + length) from the file open as `fd`, from `position`; a file that ends first is an error. */
export function readExactlySync(fd: number, target: Uint8Array, at: number, length: number, position: number): void {
  for (let done = 0; done < length;) {
    const read = readSync(fd, target, at + done, length - done, position + done);
    if (read === 0) throw new AppError(ErrorCode.Internal, 'A temporary analysis file ended early.');
    done += read;
  }
}
