import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { DevhostError, DevhostErrorCode } from './devhostError.js';

export interface DataDirLock {
  release(): void;
}

/**
 * Claims the data directory for this host. Two hosts on one directory would both run every pending activity and
 * timer, so the second is refused. The claim is an exclusive SQLite file lock: the operating system drops it when
 * the process dies, even by SIGKILL, so a crash never leaves a stale claim behind.
 */
export function lockDataDir(dataDir: string, waitMs = 2000): DataDirLock {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, 'devhost.lock');
  const db = new Database(file, { timeout: waitMs });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    // In EXCLUSIVE locking mode the lock taken here is held until the connection closes.
    db.exec('BEGIN EXCLUSIVE; COMMIT');
  } catch (error) {
    db.close();
    throw new DevhostError(
      DevhostErrorCode.InvalidConfig,
      `The data directory "${dataDir}" is in use by another running devhost. Stop it, or give this one its own ` +
        'directory with --data or DEVHOST_DATA_DIR.',
      { cause: error },
    );
  }
  return { release: () => db.close() };
}
