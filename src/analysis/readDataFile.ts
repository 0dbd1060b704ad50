import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { gunzip, gunzipSync } from 'node:zlib';
import { promisify } from 'node:util';
import { AppError, ErrorCode } from '../errors';

const gunzipAsync = promisify(gunzip);

/** Reads one data file, gunzipping `.csv.gz`. One symbol's file is small enough to hold whole. */
export async function readDataFile(path: string, gzip: boolean): Promise<Buffer> {
  try {
    const bytes = await readFile(path);
    return gzip ? await gunzipAsync(bytes) : bytes;
  } catch (error) {
    throw new AppError(ErrorCode.BundleInvalid, 'A bundle data file cannot be read.', { cause: error });
  }
}

/** The synchronous twin, for worker threads where blocking is the point. */
export function readDataFileSync(path: string, gzip: boolean): Buffer {
  try {
    const bytes = readFileSync(path);
    return gzip ? gunzipSync(bytes) : bytes;
  } catch (error) {
    throw new AppError(ErrorCode.BundleInvalid, 'A bundle data file cannot be read.', { cause: error });
  }
}

/** Reads the original line numbers written next to a spilled long-form symbol (uint32, little-endian). */
export function readLineNumbersSync(path: string): Uint32Array {
  try {
    const bytes = readFileSync(path);
    const lines = new Uint32Array(bytes.length >>> 2);
    for (let i = 0; i < lines.length; i++) lines[i] = bytes.readUInt32LE(i * 4);
    return lines;
  } catch (error) {
    throw new AppError(ErrorCode.Internal, 'A temporary analysis file cannot be read.', { cause: error });
  }
}
