import { open, type FileHandle } from 'node:fs/promises';
import { promisify } from 'node:util';
import { crc32, deflateRaw } from 'node:zlib';
import {
  CENTRAL_HEADER_SIZE,
  EOCD_SIZE,
  HOST_UNIX,
  LOCAL_HEADER_SIZE,
  UnixMode,
  ZIP16_MAX,
  ZIP32_MAX,
  ZIP64_EOCD_SIZE,
  ZIP64_EXTRA_ID,
  ZipFlag,
  ZipMethod,
  ZipSignature,
  toDosDateTime,
} from '../../src/stages/zip/zipFormat';

const deflateRawAsync = promisify(deflateRaw);

/** One member exactly as it should appear in the archive; nothing is validated. */
export interface RawZipEntry {
  /** Written byte-for-byte (UTF-8), so '../evil', '/abs' or 'a\\b' are possible. */
  readonly name: string;
  readonly data: Buffer;
  /** Default: deflate, falling back to stored when deflate does not shrink the data. */
  readonly method?: 'stored' | 'deflate';
  /** Full Unix mode including the file-type bits; default 0o100644 (0o040755 for names ending in '/'). */
  readonly unixMode?: number;
  /** Overrides the uncompressed size written in both headers (to build archives that lie). */
  readonly declaredSize?: number;
  /** Overrides the CRC-32 written in both headers. */
  readonly declaredCrc?: number;
}

export interface RawZipWriterOptions {
  /** zlib level 0–9; default 6. */
  readonly level?: number;
  /** Write zip64 extra fields and end records even when the sizes do not need them. */
  readonly forceZip64?: boolean;
  /** Timestamp of every entry; default 2000-01-01T00:00:00Z so the output is deterministic. */
  readonly mtime?: Date;
}

export interface RawZipWriter {
  addEntry(entry: RawZipEntry): Promise<void>;
  close(): Promise<void>;
}

interface CentralRecord {
  readonly name: Buffer;
  readonly method: number;
  readonly crc: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly offset: number;
  readonly unixMode: number;
}

/**
 * Low-level zip writer that writes whatever it is given. Test fixtures use it for unsafe archives; everything else
 * uses createZipWriter, which validates names. Calls are serialised, so callers may fire addEntry without awaiting.
 */
export function createRawZipWriter(outPath: string, options: RawZipWriterOptions = {}): RawZipWriter {
  const level = options.level ?? 6;
  const forceZip64 = options.forceZip64 ?? false;
  const dos = toDosDateTime(options.mtime ?? new Date(Date.UTC(2000, 0, 1)));
  const records: CentralRecord[] = [];
  let handle: FileHandle | undefined;
  let offset = 0;
  let queue: Promise<void> = Promise.resolve();
  let closed = false;

  async function write(buffers: Buffer[]): Promise<void> {
    handle ??= await open(outPath, 'w');
    let length = 0;
    for (const buffer of buffers) length += buffer.length;
    await handle.writev(buffers);
    offset += length;
  }

  async function compress(entry: RawZipEntry): Promise<{ method: number; payload: Buffer }> {
    if (entry.method === 'stored' || entry.data.length === 0 || entry.name.endsWith('/')) {
      return { method: ZipMethod.stored, payload: entry.data };
    }
    const deflated = await deflateRawAsync(entry.data, { level });
    return entry.method === 'deflate' || deflated.length < entry.data.length
      ? { method: ZipMethod.deflate, payload: deflated }
      : { method: ZipMethod.stored, payload: entry.data };
  }

  async function writeEntry(entry: RawZipEntry, compressed: Promise<{ method: number; payload: Buffer }>) {
    const isDirectory = entry.name.endsWith('/');
    const { method, payload } = await compressed;
    const name = Buffer.from(entry.name, 'utf8');
    const record: CentralRecord = {
      name,
      method,
      crc: entry.declaredCrc ?? crc32(entry.data),
      compressedSize: payload.length,
      size: entry.declaredSize ?? entry.data.length,
      offset,
      unixMode: entry.unixMode ?? (isDirectory ? UnixMode.directory | 0o755 : UnixMode.regular | 0o644),
    };
    const sizesNeed64 = forceZip64 || record.size >= ZIP32_MAX || record.compressedSize >= ZIP32_MAX;
    const extra = sizesNeed64 ? zip64Extra([record.size, record.compressedSize]) : Buffer.alloc(0);
    const header = Buffer.alloc(LOCAL_HEADER_SIZE);
    header.writeUInt32LE(ZipSignature.localFile, 0);
    header.writeUInt16LE(sizesNeed64 ? 45 : 20, 4);
    header.writeUInt16LE(ZipFlag.utf8Name, 6);
    header.writeUInt16LE(method, 8);
    header.writeUInt16LE(dos.time, 10);
    header.writeUInt16LE(dos.date, 12);
    header.writeUInt32LE(record.crc >>> 0, 14);
    header.writeUInt32LE(sizesNeed64 ? ZIP32_MAX : record.compressedSize, 18);
    header.writeUInt32LE(sizesNeed64 ? ZIP32_MAX : record.size, 22);
    header.writeUInt16LE(name.length, 26);
    header.writeUInt16LE(extra.length, 28);
    records.push(record);
    await write([header, name, extra, payload]);
  }

  function centralHeader(record: CentralRecord): Buffer[] {
    const wide: number[] = [];
    const size = forceZip64 || record.size >= ZIP32_MAX ? (wide.push(record.size), ZIP32_MAX) : record.size;
    const compressed =
      forceZip64 || record.compressedSize >= ZIP32_MAX
        ? (wide.push(record.compressedSize), ZIP32_MAX)
        : record.compressedSize;
    const at = forceZip64 || record.offset >= ZIP32_MAX ? (wide.push(record.offset), ZIP32_MAX) : record.offset;
    const extra = wide.length > 0 ? zip64Extra(wide) : Buffer.alloc(0);
    const header = Buffer.alloc(CENTRAL_HEADER_SIZE);
    header.writeUInt32LE(ZipSignature.centralFile, 0);
    header.writeUInt16LE((HOST_UNIX << 8) | 63, 4);
    header.writeUInt16LE(wide.length > 0 ? 45 : 20, 6);
    header.writeUInt16LE(ZipFlag.utf8Name, 8);
    header.writeUInt16LE(record.method, 10);
    header.writeUInt16LE(dos.time, 12);
    header.writeUInt16LE(dos.date, 14);
    header.writeUInt32LE(record.crc >>> 0, 16);
    header.writeUInt32LE(compressed, 20);
    header.writeUInt32LE(size, 24);
    header.writeUInt16LE(record.name.length, 28);
    header.writeUInt16LE(extra.length, 30);
    // comment length, disk number start, internal attributes: all zero
    header.writeUInt32LE((record.unixMode << 16) >>> 0, 38);
    header.writeUInt32LE(at, 42);
    return [header, record.name, extra];
  }

  async function writeCentralDirectory(): Promise<void> {
    const start = offset;
    const parts = records.flatMap(centralHeader);
    const length = parts.reduce((sum, part) => sum + part.length, 0);
    const count = records.length;
    const need64 = forceZip64 || count >= ZIP16_MAX || start >= ZIP32_MAX || length >= ZIP32_MAX;
    if (need64) parts.push(...zip64EndRecords(start + length, count, length, start));
    const end = Buffer.alloc(EOCD_SIZE);
    end.writeUInt32LE(ZipSignature.endOfCentralDirectory, 0);
    end.writeUInt16LE(need64 ? ZIP16_MAX : count, 8);
    end.writeUInt16LE(need64 ? ZIP16_MAX : count, 10);
    end.writeUInt32LE(need64 ? ZIP32_MAX : length, 12);
    end.writeUInt32LE(need64 ? ZIP32_MAX : start, 16);
    parts.push(end);
    await write(parts);
  }

  function enqueue(task: () => Promise<void>): Promise<void> {
    if (closed) return Promise.reject(new Error('zip writer is closed'));
    const next = queue.then(task);
    // A failed step poisons the writer: later calls see the same failure instead of writing a broken archive.
    queue = next;
    return next;
  }

  return {
    addEntry: (entry) => {
      // Compress now (on the zlib thread pool) so several un-awaited calls overlap; only the writes are serialised.
      const compressed = compress(entry);
      compressed.catch(() => undefined);
      return enqueue(() => writeEntry(entry, compressed));
    },
    close: async () => {
      const done = enqueue(writeCentralDirectory);
      closed = true;
      try {
        await done;
      } finally {
        await handle?.close();
        handle = undefined;
      }
    },
  };
}

function zip64Extra(values: number[]): Buffer {
  const extra = Buffer.alloc(4 + 8 * values.length);
  extra.writeUInt16LE(ZIP64_EXTRA_ID, 0);
  extra.writeUInt16LE(8 * values.length, 2);
  values.forEach((value, index) => extra.writeBigUInt64LE(BigInt(value), 4 + 8 * index));
  return extra;
}

function zip64EndRecords(recordOffset: number, count: number, cdLength: number, cdStart: number): Buffer[] {
  const record = Buffer.alloc(ZIP64_EOCD_SIZE);
  record.writeUInt32LE(ZipSignature.zip64EndOfCentralDirectory, 0);
  record.writeBigUInt64LE(BigInt(ZIP64_EOCD_SIZE - 12), 4);
  record.writeUInt16LE((HOST_UNIX << 8) | 63, 12);
  record.writeUInt16LE(45, 14);
  record.writeBigUInt64LE(BigInt(count), 24);
  record.writeBigUInt64LE(BigInt(count), 32);
  record.writeBigUInt64LE(BigInt(cdLength), 40);
  record.writeBigUInt64LE(BigInt(cdStart), 48);
  const locator = Buffer.alloc(20);
  locator.writeUInt32LE(ZipSignature.zip64Locator, 0);
  locator.writeBigUInt64LE(BigInt(recordOffset), 8);
  locator.writeUInt32LE(1, 16);
  return [record, locator];
}
