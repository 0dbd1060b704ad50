import { closeSync, mkdtempSync, openSync, rmSync, statfsSync, write } from 'node:fs';
import { join } from 'node:path';
import { readExactlySync, writeWholeSync } from '../tempFileIo';

/** Bytes gathered before one write. */
const WRITE_BLOCK = 8 * 2 ** 20;
/**
 * Blocks written on the thread pool at once, while the archive goes on being read; past them a block is written
 * before the next member is taken (the reading waits for the disk).
 */
const WRITES_IN_FLIGHT = 3;
/** The least read back at once (a block stays in memory while a member read from it is kept). */
const READ_BLOCK = 2 ** 20;
/** Free space left to everything else on the spill's file system. */
const FREE_SPACE_KEPT = 512 * 2 ** 20;

/**
 * Data members of a tar.gz set aside in one temporary file while the bundle's layout is still unknown (a tar has no
 * index, and a calendar or manifest may come last), so that they are read back from the file rather than by
 * inflating the whole archive a second time. Members are copied into a block buffer; full blocks are written on the
 * thread pool while the archive goes on being inflated and read (a disk that takes 216 MB in a third of a second
 * would otherwise hold the reading up as long). The file stays within the free space of its file system, less a
 * margin: a member that would pass it, or a write that fails, makes the spill give up (the file is removed), and the
 * caller reads the archive again instead.
 */
export interface MemberSpill {
  /**
   * Sets a member's bytes aside (they are copied); `byteLength`, the member's own length when `bytes` is only the
   * part of it that is needed (see keepsHeadOnly), comes back with it. False once the spill has given up.
   */
  add(path: string, bytes: Buffer, byteLength?: number): boolean;
  /** False once the spill has given up (after `settle`, also when a write on the thread pool failed). */
  readonly ok: boolean;
  /** Resolves once every block handed to the thread pool is written; check `ok` after it. */
  settle(): Promise<void>;
  /**
   * The members set aside, in the order added, as [path, bytes, byteLength], read back in blocks; `wanted` picks the
   * ones to read and `checkCancelled` runs before each. Call after `settle`. The file is removed when they have all
   * been read or the reading stops.
   */
  members(wanted: (path: string) => boolean, checkCancelled: () => void): Generator<[string, Buffer, number]>;
  /** Removes the file (also after giving up, or when nothing is read back). */
  discard(): void;
}

interface Entry {
  readonly path: string;
  readonly offset: number;
  readonly length: number;
  readonly byteLength: number;
}

/** Creates a spill file in a fresh directory inside `dir` (a directory the caller owns and removes). */
export function createMemberSpill(dir: string): MemberSpill {
  const own = createDirectory(dir);
  const path = join(own ?? dir, 'members.bin');
  const entries: Entry[] = [];
  let fd = own === null ? null : openFile(path);
  let limit = freeBytes(dir) - FREE_SPACE_KEPT;
  let ok = fd !== null;
  let block: Buffer = ok ? Buffer.allocUnsafeSlow(WRITE_BLOCK) : Buffer.alloc(0);
  let blockStart = 0;
  let used = 0;
  let size = 0;
  // Blocks being written on the thread pool, and the callers waiting for them all.
  let inFlight = 0;
  let waiters: (() => void)[] = [];
  // Written blocks kept for reuse: a fresh 8 MiB buffer costs its page faults again.
  const spare: Buffer[] = [];

  const release = (): void => {
    if (inFlight > 0) return;
    // The descriptor is closed only when no write uses it any more (a closed number may be reused at once).
    if (!ok && fd !== null) {
      closeSync(fd);
      fd = null;
      if (own !== null) rmSync(own, { recursive: true, force: true });
    }
    const done = waiters;
    waiters = [];
    for (const resolve of done) resolve();
  };
  const discard = (): void => {
    ok = false;
    entries.length = 0;
    block = Buffer.alloc(0);
    spare.length = 0;
    release();
  };
  // Writes the current block and starts a new one: on the thread pool while few writes are under way, else here.
  const flush = (): void => {
    if (used === 0) return;
    const full = block;
    const length = used;
    const at = blockStart;
    blockStart += used;
    used = 0;
    if (inFlight >= WRITES_IN_FLIGHT) {
      writeWholeSync(fd!, full, length, at);
      return;
    }
    inFlight++;
    block = spare.pop() ?? Buffer.allocUnsafeSlow(WRITE_BLOCK);
    writeBlock(fd!, full, length, at, (error) => {
      inFlight--;
      if (error !== null && ok) discard();
      else if (ok) spare.push(full);
      release();
    });
  };

  return {
    add(memberPath, bytes, byteLength = bytes.length) {
      if (!ok) return false;
      if (size + bytes.length > limit) {
        discard();
        return false;
      }
      try {
        if (used + bytes.length > block.length) flush();
        if (bytes.length >= block.length) {
          writeWholeSync(fd!, bytes, bytes.length, blockStart);
          blockStart += bytes.length;
        } else {
          bytes.copy(block, used);
          used += bytes.length;
        }
      } catch {
        // A full disk or any other write error: the archive is read a second time instead.
        discard();
        return false;
      }
      entries.push({ path: memberPath, offset: size, length: bytes.length, byteLength });
      size += bytes.length;
      return true;
    },
    get ok() {
      return ok;
    },
    settle() {
      if (ok) {
        try {
          flush();
        } catch {
          discard();
        }
      }
      return inFlight === 0 ? Promise.resolve() : new Promise<void>((resolve) => waiters.push(resolve));
    },
    *members(wanted, checkCancelled) {
      if (!ok || fd === null) return;
      if (inFlight > 0) throw new Error('The set-aside members are read back before their writes are settled.');
      try {
        writeWholeSync(fd, block, used, blockStart);
        used = 0;
        limit = 0;
        let chunk: Buffer = Buffer.alloc(0);
        let chunkStart = 0;
        for (const entry of entries) {
          if (!wanted(entry.path)) continue;
          checkCancelled();
          const end = entry.offset + entry.length;
          if (entry.offset < chunkStart || end > chunkStart + chunk.length) {
            // A fresh buffer each time: the members handed out are views of it and may be kept.
            chunk = readAt(fd, entry.offset, Math.max(READ_BLOCK, entry.length), size);
            chunkStart = entry.offset;
          }
          yield [entry.path, chunk.subarray(entry.offset - chunkStart, end - chunkStart), entry.byteLength];
        }
      } finally {
        discard();
      }
    },
    discard,
  };
}

/** Writes data[0, length) at `position` on the thread pool, whole (a short write goes on from where it stopped). */
function writeBlock(
  fd: number,
  data: Buffer,
  length: number,
  position: number,
  done: (error: Error | null) => void,
): void {
  write(fd, data, 0, length, position, (error, wrote) => {
    if (error) done(error);
    else if (wrote <= 0) done(new Error('A temporary analysis file could not be written.'));
    else if (wrote < length) writeBlock(fd, data.subarray(wrote), length - wrote, position + wrote, done);
    else done(null);
  });
}

function readAt(fd: number, offset: number, want: number, fileSize: number): Buffer {
  const length = Math.min(want, fileSize - offset);
  const buffer = Buffer.allocUnsafeSlow(length);
  readExactlySync(fd, buffer, 0, length, offset);
  return buffer;
}

function createDirectory(parent: string): string | null {
  try {
    return mkdtempSync(join(parent, 'tar-members-'));
  } catch {
    return null;
  }
}

function openFile(path: string): number | null {
  try {
    return openSync(path, 'w+');
  } catch {
    return null;
  }
}

function freeBytes(dir: string): number {
  try {
    const stats = statfsSync(dir);
    return stats.bavail * stats.bsize;
  } catch {
    return 0;
  }
}
