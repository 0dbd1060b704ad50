import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError, ErrorCode } from '../../errors';
import type { EntryObserver } from './extractArchive';
import { UnixMode, ZipFlag, ZipMethod } from '../zip/zipFormat';
import { createEntryRegistry } from './createEntryRegistry';
import { ratioCap, type ExtractLimits } from './extractLimits';
import { extractZipEntry } from './extractZipEntry';
import { normalizeEntryName } from './normalizeEntryName';
import { readZipDirectory, type ZipDirectoryEntry } from './readZipDirectory';
import { runPool } from './runPool';

/** Entries written at once: enough to keep the zlib and fs thread pool (4 threads by default) busy. */
const CONCURRENCY = 8;

export interface ArchiveSink {
  readonly signal: AbortSignal;
  /** See EntryObserver: who wants a member's bytes. */
  readonly observe: EntryObserver;
  /** Total uncompressed bytes, once known. */
  start(totalBytes: number | null): void;
  addBytes(bytes: number): void;
  /** Throws CANCELLED when the signal fired. */
  checkCancelled(): void;
}

interface PlannedFile {
  readonly entry: ZipDirectoryEntry;
  readonly path: string;
  readonly limitEnd: number;
}

/** Validates the whole central directory first (nothing is written for a rejected archive), then extracts. */
export async function extractZip(
  archivePath: string,
  destDir: string,
  limits: ExtractLimits,
  sink: ArchiveSink,
): Promise<{ entries: number; bytes: number }> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(archivePath, 'r');
    const { size } = await handle.stat();
    const directory = await readZipDirectory(handle, size, limits.maxEntries);
    const registry = createEntryRegistry(limits.maxEntries);
    const offsets = [...new Set(directory.entries.map((entry) => entry.localHeaderOffset))].sort((a, b) => a - b);
    const nextOffset = new Map<number, number>();
    offsets.forEach((offset, index) => nextOffset.set(offset, offsets[index + 1] ?? directory.centralDirectoryOffset));

    const files: PlannedFile[] = [];
    let declaredTotal = 0;
    for (const entry of directory.entries) {
      const { path, isDirectory } = planZipEntry(entry, limits);
      registry.register(path, isDirectory);
      if (isDirectory) continue;
      declaredTotal += entry.size;
      if (declaredTotal > limits.maxTotalBytes) {
        throw new AppError(
          ErrorCode.UnsafeArchive,
          `Unsafe archive: it expands to more than the limit of ${limits.maxTotalBytes} bytes.`,
        );
      }
      files.push({ entry, path, limitEnd: nextOffset.get(entry.localHeaderOffset) ?? 0 });
    }
    // The per-entry rule exempts small outputs, so many small bombs together are judged against the whole file.
    if (declaredTotal > ratioCap(size, limits)) {
      throw new AppError(
        ErrorCode.UnsafeArchive,
        `Unsafe archive: the archive has a compression ratio above ${limits.maxRatio} ` +
          `(${declaredTotal} bytes from ${size}); possible zip bomb.`,
      );
    }
    if (files.length !== new Set(files.map((file) => file.entry.localHeaderOffset)).size) {
      throw new AppError(ErrorCode.UnsafeArchive, 'Unsafe archive: two entries share the same data.');
    }

    sink.start(declaredTotal);
    for (const directoryPath of registry.directories()) await mkdir(join(destDir, directoryPath), { recursive: true });
    const openHandle = handle;
    await runPool(
      files,
      CONCURRENCY,
      (file) =>
        extractZipEntry({
          archivePath,
          handle: openHandle,
          entry: file.entry,
          limitEnd: file.limitEnd,
          targetPath: join(destDir, file.path),
          displayName: JSON.stringify(file.path),
          signal: sink.signal,
          onBytes: (bytes) => sink.addBytes(bytes),
          onData: sink.observe(file.path),
        }),
      () => sink.checkCancelled(),
    );
    return { entries: registry.count, bytes: declaredTotal };
  } finally {
    await handle?.close();
  }
}

/** Rejects what we will not extract (or read in place); returns the safe path. */
export function planZipEntry(entry: ZipDirectoryEntry, limits: ExtractLimits): { path: string; isDirectory: boolean } {
  const shown = JSON.stringify(entry.name);
  const type = entry.unixMode === null ? 0 : entry.unixMode & UnixMode.typeMask;
  if (type === UnixMode.symlink)
    throw new AppError(ErrorCode.UnsafeArchive, `Unsafe archive: ${shown} is a symbolic link.`);
  if (type !== 0 && type !== UnixMode.regular && type !== UnixMode.directory) {
    throw new AppError(ErrorCode.UnsafeArchive, `Unsafe archive: ${shown} is a device, FIFO or socket.`);
  }
  const normalized = normalizeEntryName(entry.name, true);
  const isDirectory = normalized.isDirectory || type === UnixMode.directory || (entry.dosAttributes & 0x10) !== 0;
  if (isDirectory) return { path: normalized.path, isDirectory };
  if ((entry.flags & ZipFlag.encrypted) !== 0) {
    throw new AppError(ErrorCode.UnsupportedArchive, `Unsupported archive: ${shown} is encrypted.`);
  }
  if (entry.method !== ZipMethod.stored && entry.method !== ZipMethod.deflate) {
    throw new AppError(
      ErrorCode.UnsupportedArchive,
      `Unsupported archive: ${shown} uses compression method ${entry.method}; only stored and deflate are supported.`,
    );
  }
  if (entry.method === ZipMethod.stored && entry.size !== entry.compressedSize) {
    throw new AppError(ErrorCode.UnsupportedArchive, `Corrupt or truncated archive: ${shown} has inconsistent sizes.`);
  }
  if (entry.size > ratioCap(entry.compressedSize, limits)) {
    throw new AppError(
      ErrorCode.UnsafeArchive,
      `Unsafe archive: ${shown} has a compression ratio above ${limits.maxRatio} ` +
        `(${entry.size} bytes from ${entry.compressedSize}); possible zip bomb.`,
    );
  }
  if (normalized.path === '') throw new AppError(ErrorCode.UnsafeArchive, `Unsafe archive: ${shown} has no name.`);
  return { path: normalized.path, isDirectory: false };
}
