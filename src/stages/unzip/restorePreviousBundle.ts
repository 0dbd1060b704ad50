import { join } from 'node:path';
import { AppError, ErrorCode } from '../../errors';
import { throwIfCancelled, type StageContext } from '../stageContext';
import { recoverBundleSwap } from './recoverBundleSwap';
import {
  CURRENT_DIR,
  PREVIOUS_DIR,
  completeSwap,
  exists,
  newStagingName,
  newTrashName,
  readLastSwap,
  writeSwapJournal,
} from './swapBundleDirs';

export interface RestoreResult {
  /** False when this swap id had already completed (a redelivered call): nothing moved this time. */
  readonly swapped: boolean;
}

/**
 * Exchanges `<bundlesDir>/current` and `previous` through the same journal as an install, so a crash at any point
 * leaves one whole bundle in each place (recoverBundleSwap finishes the exchange). Idempotent per `swapId`: a call
 * whose swap already completed changes nothing. Fails with NO_PREVIOUS_BUNDLE when either directory is missing.
 */
export async function restorePreviousBundle(
  bundlesDir: string,
  swapId: string,
  ctx: StageContext,
): Promise<RestoreResult> {
  const recovery = await recoverBundleSwap(bundlesDir);
  if (recovery.completedSwap) ctx.log('WARNING', 'Completed a bundle swap that an earlier crash interrupted.');
  if ((await readLastSwap(bundlesDir))?.id === swapId) return { swapped: false };
  for (const name of [CURRENT_DIR, PREVIOUS_DIR]) {
    if (!(await exists(join(bundlesDir, name)))) {
      throw new AppError(
        ErrorCode.NoPreviousBundle,
        `There is no bundle to roll back to: bundles/${name} does not exist.`,
      );
    }
  }
  // The exchange is a few renames; once the journal exists it always completes, so cancel only before it.
  throwIfCancelled(ctx.signal, 'The rollback');
  const journal = { staging: newStagingName(), trash: newTrashName(), id: swapId, restore: true };
  await writeSwapJournal(bundlesDir, journal);
  await completeSwap(bundlesDir, journal);
  return { swapped: true };
}
