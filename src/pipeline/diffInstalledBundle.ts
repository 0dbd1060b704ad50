import { existsSync } from 'node:fs';
import path from 'node:path';
import type { DiffStore } from '../analysis/diff/createDiffStore';
import { diffBundles } from '../analysis/diff/diffBundles';
import { describeDiffTotals } from '../analysis/diff/diffTypes';
import type { BundleStore } from '../bundles/bundleStore';
import { ClientMessage } from '../clientMessages';
import { ErrorCode, isAppError } from '../errors';
import type { StageContext } from '../stages/stageContext';

export interface DiffStageDeps {
  readonly bundles: BundleStore;
  readonly diffs: DiffStore;
  /** Holds `current/` and `previous/`. */
  readonly bundlesDir: string;
  /** Worker threads for the diff (default: the analysis's default). */
  readonly workers?: number;
  /** Where a long-form bundle is split by symbol (default: the system's temporary directory). */
  readonly scratchDir?: string;
  readonly clock?: () => Date;
}

/**
 * The diff stage: compares the bundle just installed (bundles/current) with the generation it replaced
 * (bundles/previous) and records what changed, in one transaction once the comparison is complete, so a crash or a
 * cancellation leaves the previous diff as the latest. Runs again for the same install find the recorded diff and
 * stop. A previous generation that is not a readable bundle (an install from before the install check) gives no diff,
 * with a warning, and does not fail the task: the new bundle is installed either way.
 */
export async function diffInstalledBundle(deps: DiffStageDeps, taskId: string, ctx: StageContext): Promise<string> {
  const { bundles, bundlesDir } = deps;
  const now = deps.clock ?? (() => new Date());
  const store = deps.diffs;
  const installed = bundles.getInstalledBundle();
  if (installed === null) return 'No bundle is installed: nothing to compare.';
  const recorded = store.findDiffOf(installed.bundle_id);
  if (recorded !== null) {
    // A run again after a restart that came between the write and the end of the activity: report what was recorded.
    const totals = store.getDiff(recorded)?.totals ?? null;
    return totals === null ? ClientMessage.firstInstall : `${describeDiffTotals(totals)}.`;
  }
  const previous = installed.previous_bundle_id === null ? null : bundles.getPreviousBundle();
  const previousDir = path.join(bundlesDir, 'previous');
  if (previous === null) {
    store.recordDiff({
      taskId,
      fromBundleId: null,
      toBundleId: installed.bundle_id,
      diff: null,
      createdAt: now().toISOString(),
      seconds: null,
    });
    return ClientMessage.firstInstall;
  }
  if (!existsSync(previousDir)) {
    ctx.log('WARNING', 'The previous generation is recorded but its files are gone: no diff.');
    return 'No diff: the previous generation is not on disk.';
  }
  ctx.log('INFO', `Comparing with the previous generation (installed ${previous.installed_at}).`);
  const started = Date.now();
  let diff;
  try {
    diff = await diffBundles(previousDir, path.join(bundlesDir, 'current'), ctx, {
      workers: deps.workers,
      tempDir: deps.scratchDir,
    });
  } catch (error) {
    if (!isAppError(error, ErrorCode.BundleInvalid)) throw error;
    ctx.log('WARNING', `The previous generation cannot be read as a bundle, so no diff: ${error.message}`);
    return 'No diff: the previous generation is not a readable bundle.';
  }
  store.recordDiff({
    taskId,
    fromBundleId: previous.bundle_id,
    toBundleId: installed.bundle_id,
    diff,
    createdAt: now().toISOString(),
    seconds: (Date.now() - started) / 1000,
  });
  return `${describeDiffTotals(diff.totals)}.`;
}
