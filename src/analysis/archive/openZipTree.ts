import { open } from 'node:fs/promises';
import { AppError, ErrorCode, isAppError } from '../../errors';
import { createEntryRegistry } from '../../stages/unzip/createEntryRegistry';
import { resolveLimits, type ExtractLimits } from '../../stages/unzip/extractLimits';
import { planZipEntry } from '../../stages/unzip/extractZip';
import { readZipDirectory } from '../../stages/unzip/readZipDirectory';
import type { ZipEntryRef } from '../../stages/unzip/readZipEntrySync';
import type { ByteRef } from '../byteRef';
import { createListingTree, type BundleTree } from '../bundleTree';

/**
 * A zip archive as a bundle tree, read in place: the central directory is checked with the unzip stage's rules
 * (unsafe names, links, encryption, methods, compression ratio), and every member is inflated in memory only when
 * the analysis reads it. Nothing is extracted.
 */
export async function openZipTree(archivePath: string, limits?: Partial<ExtractLimits>): Promise<BundleTree> {
  const resolved = resolveLimits(limits);
  let handle;
  try {
    handle = await open(archivePath, 'r');
  } catch (error) {
    throw new AppError(ErrorCode.UnsupportedArchive, 'The archive cannot be opened.', { cause: error });
  }
  try {
    const { size } = await handle.stat();
    const directory = await readZipDirectory(handle, size, resolved.maxEntries);
    const registry = createEntryRegistry(resolved.maxEntries);
    const files = new Map<string, (gzip: boolean) => ByteRef>();
    for (const entry of directory.entries) {
      const { path, isDirectory } = planZipEntry(entry, resolved);
      registry.register(path, isDirectory);
      if (isDirectory) continue;
      const ref: ZipEntryRef = {
        name: entry.name,
        method: entry.method,
        crc: entry.crc,
        compressedSize: entry.compressedSize,
        size: entry.size,
        localHeaderOffset: entry.localHeaderOffset,
      };
      files.set(path, (gzip) => ({ kind: 'zip', archivePath, entry: ref, gzip }));
    }
    return createListingTree('zip', files);
  } catch (error) {
    if (isAppError(error)) throw error;
    throw new AppError(ErrorCode.UnsupportedArchive, 'The zip archive cannot be read.', { cause: error });
  } finally {
    await handle.close();
  }
}
