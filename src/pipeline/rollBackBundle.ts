import type { BundleInstall, BundleStore } from '../bundles/bundleStore';
import { ClientMessage } from '../clientMessages';
import { AppError, ErrorCode } from '../errors';
import type { StageContext } from '../stages/stageContext';
import { restorePreviousBundle } from '../stages/unzip/restorePreviousBundle';
import type { RollbackStageResult } from './pipelineContract';

/**
 * The rollback stage: exchanges bundles/current and bundles/previous (journaled, so a crash leaves one whole bundle
 * in each) and records the restored install as current, the replaced one as previous and rolled back. Safe to run
 * again for the same task after a crash at any point.
 */
export async function rollBackBundle(
  deps: { readonly bundles: BundleStore; readonly bundlesDir: string },
  taskId: string,
  ctx: StageContext,
): Promise<RollbackStageResult> {
  const { bundles } = deps;
  const current = bundles.getInstalledBundle();
  if (current?.task_id === taskId && current.restored_bundle_id !== null) {
    return {
      stage: 'rollback',
      summary: `The previous bundle was already restored by this task (${describe(current)}).`,
    };
  }
  const restored = bundles.getPreviousBundle();
  if (current === null || restored === null)
    throw new AppError(ErrorCode.NoPreviousBundle, ClientMessage.noPreviousBundle);
  ctx.log('INFO', `Rolling back from ${describe(current)} to ${describe(restored)}.`);
  const { swapped } = await restorePreviousBundle(deps.bundlesDir, taskId, ctx);
  if (!swapped) ctx.log('WARNING', 'The exchange was already done before a restart; recording it now.');
  bundles.recordRollback(taskId);
  ctx.onProgress({ done: 1, total: 1, unit: 'files', message: 'Previous bundle restored' });
  return {
    stage: 'rollback',
    summary:
      `Restored the bundle installed at ${restored.installed_at} (${describe(restored)}); the replaced one ` +
      `(${describe(current)}) is kept as previous, and downloads of it are refused unless forced.`,
  };
}

function describe(install: BundleInstall): string {
  return `sha256 ${install.sha256?.slice(0, 12) ?? 'unknown'}…`;
}
