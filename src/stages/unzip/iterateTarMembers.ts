import { AppError, ErrorCode } from '../../errors';
import type { ByteReader } from './createByteReader';
import { corruptArchiveError } from './corruptArchiveError';
import { createEntryRegistry } from './createEntryRegistry';
import { normalizeEntryName } from './normalizeEntryName';
import { TAR_BLOCK, parsePaxRecords, parseTarHeader } from './parseTarHeader';

/** pax and GNU long-name headers are metadata: anything this big is hostile. */
const MAX_META = 2 ** 20;

/** One regular file or directory of a tar stream, its name made safe. */
export interface TarMember {
  /** Safe relative path (see normalizeEntryName). */
  readonly path: string;
  readonly isDirectory: boolean;
  readonly size: number;
  /** The member's bytes as they arrive; whatever the caller leaves unread is skipped before the next member. */
  chunks(): AsyncGenerator<Buffer>;
  /**
   * The member's unread bytes in one buffer, which may share memory with the stream's other bytes (copy it to keep
   * it past the next member or to transfer it).
   */
  read(): Promise<Buffer>;
}

/**
 * Walks the members of an uncompressed tar stream (ustar, pax and GNU long names). Links, devices and FIFOs are
 * UNSAFE_ARCHIVE, unknown member types UNSUPPORTED_ARCHIVE, duplicate or case-colliding names and more than
 * `maxEntries` members UNSAFE_ARCHIVE: a tar has no directory to check first, so each member is checked as it comes.
 */
export async function* iterateTarMembers(
  reader: ByteReader,
  maxEntries: number,
  checkCancelled: () => void,
): AsyncGenerator<TarMember> {
  const registry = createEntryRegistry(maxEntries);
  let longName: string | undefined;
  let pax = new Map<string, string>();
  for (;;) {
    checkCancelled();
    const block = await reader.read(TAR_BLOCK);
    const header = block === null ? null : parseTarHeader(block);
    if (header === null) return;
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
    const shown = (): string => JSON.stringify(rawName);
    if (header.type === '1' || header.type === '2') {
      throw new AppError(
        ErrorCode.UnsafeArchive,
        `Unsafe archive: ${shown()} is a ${header.type === '1' ? 'hard' : 'symbolic'} link.`,
      );
    }
    if (header.type === '3' || header.type === '4' || header.type === '6') {
      throw new AppError(ErrorCode.UnsafeArchive, `Unsafe archive: ${shown()} is a device or FIFO.`);
    }
    if (header.type !== '0' && header.type !== '7' && header.type !== '5') {
      throw new AppError(
        ErrorCode.UnsupportedArchive,
        `Unsupported archive: ${shown()} has tar type '${header.type}'.`,
      );
    }
    const { path, isDirectory } = normalizeEntryName(header.type === '5' ? `${rawName}/` : rawName);
    registry.register(path, isDirectory);
    if (!isDirectory && path === '')
      throw new AppError(ErrorCode.UnsafeArchive, `Unsafe archive: ${shown()} has no name.`);
    let consumed = 0;
    yield {
      path,
      isDirectory,
      size,
      async *chunks() {
        for await (const chunk of reader.chunks(size - consumed)) {
          consumed += chunk.length;
          yield chunk;
        }
      },
      async read() {
        const length = size - consumed;
        if (length === 0) return Buffer.alloc(0);
        const data = await reader.read(length);
        if (data === null) throw corruptArchiveError('the tar stream ends inside an entry');
        consumed = size;
        return data;
      },
    };
    await reader.skip(size - consumed + padding);
  }
}

async function readMeta(reader: ByteReader, size: number, padding: number): Promise<Buffer> {
  if (size > MAX_META)
    throw new AppError(ErrorCode.UnsafeArchive, 'Unsafe archive: a tar metadata header is too large.');
  const data = size === 0 ? Buffer.alloc(0) : await reader.read(size);
  if (data === null) throw corruptArchiveError('the tar stream ends inside a header');
  await reader.skip(padding);
  return data;
}

function paxSize(pax: Map<string, string>): number | undefined {
  const text = pax.get('size');
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 0) throw corruptArchiveError('a pax size is malformed');
  return value;
}
