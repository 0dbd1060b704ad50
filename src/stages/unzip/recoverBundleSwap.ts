import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { LAST_SWAP, SWAP_JOURNAL, STAGING_PREFIX, TRASH_PREFIX, completeSwap, readSwapJournal } from './swapBundleDirs';

export interface RecoveryResult {
  /** True when a swap interrupted by a crash was completed. */
  readonly completedSwap: boolean;
  /** Leftover staging/trash directories that were deleted (names inside bundlesDir). */
  readonly removed: string[];
}

/**
 * Repairs bundlesDir after a crash: finishes a journaled swap (its staging directory was complete) and deletes
 * leftovers of interrupted extractions. Call it at start-up or before an install, never while another install runs
 * in the same directory (the task mutex guarantees that).
 */
export async function recoverBundleSwap(bundlesDir: string): Promise<RecoveryResult> {
  let names: string[];
  try {
    names = await readdir(bundlesDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { completedSwap: false, removed: [] };
    throw error;
  }
  const journal = await readSwapJournal(bundlesDir);
  if (journal !== null) await completeSwap(bundlesDir, journal);
  const removed: string[] = [];
  for (const name of names) {
    if (journal !== null && (name === journal.staging || name === journal.trash)) continue;
    if (name.startsWith(STAGING_PREFIX) || name.startsWith(TRASH_PREFIX) || name.startsWith(SWAP_JOURNAL)) {
      await rm(join(bundlesDir, name), { recursive: true, force: true });
      if (name !== SWAP_JOURNAL) removed.push(name);
    } else if (name === `${LAST_SWAP}.tmp`) {
      await rm(join(bundlesDir, name), { force: true });
    }
  }
  return { completedSwap: journal !== null, removed };
}
