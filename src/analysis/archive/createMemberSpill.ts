import { closeSync, mkdtempSync, openSync, rmSync, statfsSync } from 'node:fs';
import { join } from 'node:path';
import { readExactlySync, writeWholeSync } from '../tempFileIo';

/** Bytes gathered before one write. */
const WRITE_BLOCK = 8 * 2 ** 20;
/** The least read back at once (a block stays in memory while a member read from it is kept). */
const READ_BLOCK = 2 ** 20;
/** Free space left to everything else on the spill's file system. */
const FREE_SPACE_KEPT = 512 * 2 ** 20;

/**
 * Data members of a tar.gz set aside in one temporary file while the bundle's layout is still unknown (a tar has no
 * index, and a calendar or manifest may come last), so that they are read back from the file rather than by
 * inflating the whole archive a second time. Members are copied into a block buffer and written a block at a time.
 * The file stays within the free space of its file system, less a margin: a member that would pass it, or a write
 * that fails, makes the spill give up (the file is removed), and the caller reads the archive again instead.
 */
export interface MemberSpill {
  /** Sets a member's bytes aside (they are copied); false once the spill has given up. */
  add(path: string, bytes: Buffer): boolean;
  /** False once the spill has given up. */
  readonly ok: boolean;
  /**
   * The members set aside, in the order added, read back in blocks; `wanted` picks the ones to read and
   * `checkCancelled` runs before each. The file is removed when they have all been read or the reading stops.
   */
  members(wanted: (path: string) => boolean, checkCancelled: () => void): Generator<[string, Buffer]>;
  /** Removes the file (also after giving up, or when nothing is read back). */
  discard(): void;
}

interface Entry {
  readonly path: string;
  readonly offset: number;
  readonly length: number;
}

/** Creates a spill file in a fresh directory inside `dir` (a directory the caller owns and removes). */
export function createMemberSpill(dir: string): MemberSpill {
  const own = createDirectory(dir);
  const path = join(own ?? dir, 'members.bin');
  const entries: Entry[] = [];
  let fd = own === null ? null : openFile(path);
  let limit = freeBytes(dir) - FREE_SPACE_KEPT;
  let ok = fd !== null;
  let block = ok ? Buffer.allocUnsafeSlow(WRITE_BLOCK) : Buffer.alloc(0);
  let used = 0;
  let size = 0;

  const flush = (): void => {
    if (used > 0) writeWholeSync(fd!, block, used);
    used = 0;
  };
  const discard = (): void => {
    ok = false;
    entries.length = 0;
    block = Buffer.alloc(0);
    if (fd !== null) closeSync(fd);
    fd = null;
    if (own !== null) rmSync(own, { recursive: true, force: true });
  };

  return {
    add(memberPath, bytes) {
      if (!ok) return false;
      if (size + bytes.length > limit) {
        discard();
        return false;
      }
      try {
        if (used + bytes.length > block.length) flush();
        if (bytes.length >= block.length) writeWholeSync(fd!, bytes);
        else {
          bytes.copy(block, used);
          used += bytes.length;
        }
      } catch {
        // A full disk or any other write error: the archive is read a second time instead.
        discard();
        return false;
      }
      entries.push({ path: memberPath, offset: size, length: bytes.length });
      size += bytes.length;
      return true;
    },
    get ok() {
      return ok;
    },
    *members(wanted, checkCancelled) {
      if (!ok || fd === null) return;
      try {
        flush();
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
          yield [entry.path, chunk.subarray(entry.offset - chunkStart, end - chunkStart)];
        }
      } finally {
        discard();
      }
    },
    discard,
  };
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
