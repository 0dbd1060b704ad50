import { createReadStream } from 'node:fs';
import { mkdir, open, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createGunzip } from 'node:zlib';
import { AppError, ErrorCode } from '../../errors';
import { createByteReader, type ByteReader } from './createByteReader';
import { createEntryRegistry } from './createEntryRegistry';
import { createWriteQueue } from './createWriteQueue';
import { corruptArchiveError } from './corruptArchiveError';
import { ratioCap, type ExtractLimits } from './extractLimits';
import type { ArchiveSink } from './extractZip';
import { normalizeEntryName } from './normalizeEntryName';
import { TAR_BLOCK, parsePaxRecords, parseTarHeader } from './parseTarHeader';

/** Files up to this size are gathered in memory and written in the background. */
const SMALL_FILE = 2 ** 20;
/** pax and GNU long-name headers are metadata: anything this big is hostile. */
const MAX_META = 2 ** 20;

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
  const source = createReadStream(archivePath, { highWaterMark: 256 * 1024 });
  const gunzip = createGunzip({ chunkSize: 64 * 1024 });
  source.on('error', (error) => gunzip.destroy(error));
  source.pipe(gunzip);

  let streamed = 0;
  const checkRatio = (added: number): void => {
    streamed += added;
    if (streamed > ratioCap(source.bytesRead, limits)) {
      throw new AppError(
        ErrorCode.UnsafeArchive,
        `Unsafe archive: the tar.gz stream has a compression ratio above ${limits.maxRatio}; possible gzip bomb.`,
      );
    }
  };
  const counted = (async function* () {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      checkRatio(chunk.length);
      yield chunk;
    }
  })();

  const reader = createByteReader(counted);
  const registry = createEntryRegistry(limits.maxEntries);
  const writes = createWriteQueue(8);
  const madeDirs = new Set<string>([destDir]);
  let bytes = 0;
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
  let longName: string | undefined;
  let pax = new Map<string, string>();
  try {
    for (;;) {
      sink.checkCancelled();
      const block = await reader.read(TAR_BLOCK);
      const header = block === null ? null : parseTarHeader(block);
      if (header === null) break;
      const size = header.type === 'x' || header.type === 'g' ? header.size : (paxSize(pax) ?? header.size);
      const padding = (TAR_BLOCK - (size % TAR_BLOCK)) % TAR_BLOCK;
      if (header.type === 'x' || header.type === 'L') {
        const data = await readMeta(reader, size, padding);
        if (header.type === 'x') pax = parsePaxRecords(data);
        else longName = data.toString('utf8').replace(/\0+$/, '');
        continue;
      }
      if (header.type === 'g' || header.type === 'K') {
        await readMeta(reader, size, padding);
        continue;
      }
      const rawName = pax.get('path') ?? longName ?? header.name;
      pax = new Map();
      longName = undefined;
      const shown = JSON.stringify(rawName);
      if (header.type === '1' || header.type === '2') {
        throw new AppError(
          ErrorCode.UnsafeArchive,
          `Unsafe archive: ${shown} is a ${header.type === '1' ? 'hard' : 'symbolic'} link.`,
        );
      }
      if (header.type === '3' || header.type === '4' || header.type === '6') {
        throw new AppError(ErrorCode.UnsafeArchive, `Unsafe archive: ${shown} is a device or FIFO.`);
      }
      if (header.type !== '0' && header.type !== '7' && header.type !== '5') {
        throw new AppError(
          ErrorCode.UnsupportedArchive,
          `Unsupported archive: ${shown} has tar type '${header.type}'.`,
        );
      }
      const { path, isDirectory } = normalizeEntryName(header.type === '5' ? `${rawName}/` : rawName);
      registry.register(path, isDirectory);
      const target = join(destDir, path);
      if (isDirectory) {
        await ensureDir(target);
        await skip(reader, size + padding);
        continue;
      }
      if (path === '') throw new AppError(ErrorCode.UnsafeArchive, `Unsafe archive: ${shown} has no name.`);
      await ensureDir(dirname(target));
      await writeMember(reader, target, size, addBytes, writes, sink.observe(path));
      await skip(reader, padding);
    }
    await writes.drain();
  } catch (error) {
    await writes.drain().catch(() => undefined);
    throw error;
  } finally {
    source.destroy();
    gunzip.destroy();
  }
  return { entries: registry.count, bytes };
}

async function writeMember(
  reader: ByteReader,
  target: string,
  size: number,
  addBytes: (length: number) => void,
  writes: ReturnType<typeof createWriteQueue>,
  onData: ((chunk: Buffer) => void) | null,
): Promise<void> {
  if (size <= SMALL_FILE) {
    const parts: Buffer[] = [];
    for await (const chunk of reader.chunks(size)) {
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
    for await (const chunk of reader.chunks(size)) {
      addBytes(chunk.length);
      onData?.(chunk);
      await handle.write(chunk);
    }
  } finally {
    await handle.close();
  }
}

async function readMeta(reader: ByteReader, size: number, padding: number): Promise<Buffer> {
  if (size > MAX_META)
    throw new AppError(ErrorCode.UnsafeArchive, 'Unsafe archive: a tar metadata header is too large.');
  const data = size === 0 ? Buffer.alloc(0) : await reader.read(size);
  if (data === null) throw corruptArchiveError('the tar stream ends inside a header');
  await skip(reader, padding);
  return data;
}

async function skip(reader: ByteReader, length: number): Promise<void> {
  for await (const _chunk of reader.chunks(length)) {
    // discarded: padding or directory payload
  }
}

function paxSize(pax: Map<string, string>): number | undefined {
  const text = pax.get('size');
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 0) throw corruptArchiveError('a pax size is malformed');
  return value;
}
