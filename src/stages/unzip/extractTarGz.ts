import { mkdir, open, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { AppError, ErrorCode } from '../../errors';
import { createWriteQueue } from './createWriteQueue';
import type { ExtractLimits } from './extractLimits';
import type { ArchiveSink } from './extractZip';
import { iterateTarMembers, type TarMember } from './iterateTarMembers';
import { openTarGzReader } from './openTarGzReader';

/** Files up to this size are gathered in memory and written in the background. */
const SMALL_FILE = 2 ** 20;

/**
 * Streams a gzip-compressed tar archive. Unlike zip there is no directory to check first, so every member is
 * checked as it arrives and the caller discards the destination on failure. Limits count the actual gunzipped bytes.
 */
export async function extractTarGz(
  archivePath: string,
  destDir: string,
  limits: ExtractLimits,
  sink: ArchiveSink,
): Promise<{ entries: number; bytes: number }> {
  const { reader, close } = openTarGzReader(archivePath, limits);
  const writes = createWriteQueue(8);
  const madeDirs = new Set<string>([destDir]);
  let bytes = 0;
  let entries = 0;
  const ensureDir = async (dir: string): Promise<void> => {
    if (madeDirs.has(dir)) return;
    await mkdir(dir, { recursive: true });
    madeDirs.add(dir);
  };
  const addBytes = (length: number): void => {
    bytes += length;
    if (bytes > limits.maxTotalBytes) {
      throw new AppError(
        ErrorCode.UnsafeArchive,
        `Unsafe archive: it expands to more than the limit of ${limits.maxTotalBytes} bytes.`,
      );
    }
    sink.addBytes(length);
  };

  sink.start(null);
  try {
    for await (const member of iterateTarMembers(reader, limits.maxEntries, () => sink.checkCancelled())) {
      entries++;
      const target = join(destDir, member.path);
      if (member.isDirectory) {
        await ensureDir(target);
        continue;
      }
      await ensureDir(dirname(target));
      await writeMember(member, target, addBytes, writes, sink.observe(member.path));
    }
    await writes.drain();
  } catch (error) {
    await writes.drain().catch(() => undefined);
    throw error;
  } finally {
    close();
  }
  return { entries, bytes };
}

async function writeMember(
  member: TarMember,
  target: string,
  addBytes: (length: number) => void,
  writes: ReturnType<typeof createWriteQueue>,
  onData: ((chunk: Buffer) => void) | null,
): Promise<void> {
  const { size } = member;
  if (size <= SMALL_FILE) {
    const parts: Buffer[] = [];
    for await (const chunk of member.chunks()) {
      addBytes(chunk.length);
      parts.push(chunk);
    }
    const data = Buffer.concat(parts, size);
    onData?.(data);
    await writes.add(() => writeFile(target, data, { flag: 'wx', mode: 0o644 }));
    return;
  }
  const handle = await open(target, 'wx', 0o644);
  try {
    for await (const chunk of member.chunks()) {
      addBytes(chunk.length);
      onData?.(chunk);
      await handle.write(chunk);
    }
  } finally {
    await handle.close();
  }
}
