import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { cancelledError, type StageContext } from '../stageContext';
import { extractArchive, type EntryObserver, type ExtractResult } from './extractArchive';
import type { ExtractLimits } from './extractLimits';
import { recoverBundleSwap } from './recoverBundleSwap';
import {
  CURRENT_DIR,
  PREVIOUS_DIR,
  STAGING_PREFIX,
  completeSwap,
  exists,
  newTrashName,
  writeSwapJournal,
} from './swapBundleDirs';

export interface InstallBundleOptions {
  readonly archivePath: string;
  /** Holds `current/`, `previous/` and temporary `.staging-*` directories; created when missing. */
  readonly bundlesDir: string;
  readonly limits?: Partial<ExtractLimits>;
  /** Sees chosen members' bytes while they are extracted (see EntryObserver). */
  readonly observeEntry?: EntryObserver;
  /**
   * Runs on the complete staging directory before anything is swapped; throwing refuses the bundle (staging is
   * deleted, current and previous stay as they are).
   */
  readonly beforeSwap?: (stagingDir: string) => Promise<void>;
  /** Recorded as the swap's id once it completes (see readLastSwap): the installing task's id. */
  readonly swapId?: string;
}

export interface InstallResult extends ExtractResult {
  /** `<bundlesDir>/current`, now holding the new bundle. */
  readonly currentDir: string;
  /** `<bundlesDir>/previous` when an older bundle was kept, else null. */
  readonly previousDir: string | null;
}

/**
 * Extracts into `<bundlesDir>/.staging-<random>`, lets `beforeSwap` check it, and then swaps it in: old current →
 * previous (the older previous is deleted), staging → current. A failed, refused or cancelled extraction deletes
 * staging and leaves current and previous untouched; a crash during the swap is repaired by recoverBundleSwap
 * (which this function also runs first).
 */
export async function installBundle(options: InstallBundleOptions, ctx: StageContext): Promise<InstallResult> {
  const { bundlesDir } = options;
  await mkdir(bundlesDir, { recursive: true });
  const recovery = await recoverBundleSwap(bundlesDir);
  if (recovery.completedSwap) ctx.log('WARNING', 'Completed a bundle swap that an earlier crash interrupted.');
  const staging = await mkdtemp(join(bundlesDir, STAGING_PREFIX));
  let extracted: ExtractResult;
  try {
    extracted = await extractArchive(options.archivePath, staging, options.limits, ctx, options.observeEntry);
    await options.beforeSwap?.(staging);
    // Past this point the swap always completes, so a late cancel must be honoured here.
    if (ctx.signal.aborted) throw cancelledError('Extraction');
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
  const journal = {
    staging: basename(staging),
    trash: newTrashName(),
    ...(options.swapId === undefined ? {} : { id: options.swapId }),
    note: { archiveType: extracted.archiveType, entries: extracted.entries, bytes: extracted.bytes },
  };
  await writeSwapJournal(bundlesDir, journal);
  await completeSwap(bundlesDir, journal);
  const previousDir = join(bundlesDir, PREVIOUS_DIR);
  const hasPrevious = await exists(previousDir);
  ctx.log('INFO', hasPrevious ? 'Installed the bundle; the old one is kept as previous.' : 'Installed the bundle.');
  return { ...extracted, currentDir: join(bundlesDir, CURRENT_DIR), previousDir: hasPrevious ? previousDir : null };
}
