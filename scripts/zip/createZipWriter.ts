import { AppError, ErrorCode } from '../../src/errors';
import { collisionKey, normalizeEntryName } from '../../src/stages/unzip/normalizeEntryName';
import { UnixMode } from '../../src/stages/zip/zipFormat';
import { createRawZipWriter } from './createRawZipWriter';

export interface ZipWriter {
  /** Adds a regular file (deflated unless that does not shrink it). Strings are written as UTF-8. */
  addFile(name: string, data: Buffer | string): Promise<void>;
  /** Adds a symbolic link entry (Unix mode bits); our own extractor rejects these, other tools restore them. */
  addSymlink?(name: string, target: string): Promise<void>;
  /** Writes the central directory and closes the file. */
  close(): Promise<void>;
}

export interface ZipWriterOptions {
  /** zlib level 0–9; default 6. */
  readonly level?: number;
  /** Timestamp of every entry; default 2000-01-01T00:00:00Z, so equal input gives byte-identical archives. */
  readonly mtime?: Date;
}

/**
 * Streams a zip archive to outPath: local headers with precomputed CRC-32 and sizes, a central directory, and zip64
 * records when an offset, size or the entry count needs them. Names must be safe relative paths and unique
 * (case-insensitively); a violation throws INVALID_REQUEST. Calls are serialised, so un-awaited adds are fine.
 */
export function createZipWriter(outPath: string, options: ZipWriterOptions = {}): ZipWriter {
  const raw = createRawZipWriter(outPath, options);
  const seen = new Set<string>();

  function checkName(name: string): string {
    let path: string;
    try {
      path = normalizeEntryName(name).path;
    } catch (error) {
      throw new AppError(ErrorCode.InvalidRequest, `Invalid zip entry name ${JSON.stringify(name)}.`, { cause: error });
    }
    if (path === '' || path !== name) {
      throw new AppError(ErrorCode.InvalidRequest, `Zip entry name ${JSON.stringify(name)} is not a plain path.`);
    }
    const key = collisionKey(path);
    if (seen.has(key))
      throw new AppError(ErrorCode.InvalidRequest, `Duplicate zip entry name ${JSON.stringify(name)}.`);
    seen.add(key);
    return path;
  }

  return {
    addFile: async (name, data) => {
      const path = checkName(name);
      await raw.addEntry({ name: path, data: typeof data === 'string' ? Buffer.from(data, 'utf8') : data });
    },
    addSymlink: async (name, target) => {
      const path = checkName(name);
      await raw.addEntry({
        name: path,
        data: Buffer.from(target, 'utf8'),
        method: 'stored',
        unixMode: UnixMode.symlink | 0o777,
      });
    },
    close: () => raw.close(),
  };
}
