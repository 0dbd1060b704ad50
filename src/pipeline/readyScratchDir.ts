import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';

// When this process started. Scratch entries last changed before then belong to a process that has ended.
const PROCESS_STARTED_MS = Date.now() - process.uptime() * 1000;

// The prefix of every temporary directory the analysis and the diff make (market-data-long-form-, market-data-diff-).
const OURS = 'market-data-';

/**
 * Readies the directory where the analysis and the diff stages split long-form bundles by symbol. A stage removes its
 * own temporary files when it ends, even on failure; a process that was killed mid-stage could not, so such entries
 * last changed before this process started are removed first. Newer entries are kept (a stage of this process may be
 * using them), and so is anything not named as the stages name theirs, should the directory be shared.
 */
export async function readyScratchDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const name of await readdir(dir)) {
    if (!name.startsWith(OURS)) continue;
    const entry = path.join(dir, name);
    const info = await stat(entry).catch(() => null);
    if (info !== null && info.mtimeMs < PROCESS_STARTED_MS) await rm(entry, { recursive: true, force: true });
  }
}
