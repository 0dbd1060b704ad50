import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { BundleStats } from '../analysis/bundleStats';
import { createLineTally } from '../analysis/createLineTally';
import { inspectBundleTree } from '../analysis/inspectBundleTree';
import type { BundleInstall, BundleStore, NewBundleInstall } from '../bundles/bundleStore';
import { ClientMessage } from '../clientMessages';
import type { AppConfig } from '../config';
import { AppError, ErrorCode, isAppError } from '../errors';
import { formatBytes } from '../stages/reportBytesProgress';
import type { StageContext } from '../stages/stageContext';
import { installBundle } from '../stages/unzip/installBundle';
import { recoverBundleSwap } from '../stages/unzip/recoverBundleSwap';
import { readLastSwap } from '../stages/unzip/swapBundleDirs';
import { guardAgainstShrink } from './guardAgainstShrink';
import type { DownloadedArchive, UnzipStageResult } from './pipelineContract';

export interface InstallDeps {
  readonly bundles: BundleStore;
  readonly config: AppConfig;
  readonly bundlesDir: string;
}

/**
 * The unzip stage of a download task: refuses an archive a rollback rejected, extracts, checks the tree before the
 * swap (a recognisable bundle with data, no drastic shrink; `force` overrides the refusals but never the validity
 * check), swaps it in and records it. Safe to run again for the same task after a crash at any point.
 */
export async function installDownloadedBundle(
  deps: InstallDeps,
  taskId: string,
  archive: DownloadedArchive,
  force: boolean,
  ctx: StageContext,
): Promise<UnzipStageResult> {
  const { bundles, bundlesDir, config } = deps;
  const currentDir = path.join(bundlesDir, 'current');
  const recorded = bundles.getInstalledBundle();
  if (recorded?.task_id === taskId && existsSync(currentDir)) {
    await rm(archive.filePath, { force: true });
    return { stage: 'unzip', summary: `The bundle was already installed by this task (${recorded.entries} entries).` };
  }
  await recoverBundleSwap(bundlesDir);
  const lastSwap = await readLastSwap(bundlesDir);
  if (lastSwap?.id === taskId) {
    // A crash came between this task's swap and its record: the files are in place, only the record is missing.
    const stats = await inspectBundleTree(currentDir, { signal: ctx.signal, log: ctx.log });
    const previous = existsSync(path.join(bundlesDir, 'previous')) ? (recorded?.bundle_id ?? null) : null;
    const { archiveType, entries, bytes } = lastSwap.note;
    bundles.recordInstall({
      ...newInstall(taskId, archive, stats, previous, force),
      archive_type: typeof archiveType === 'string' ? archiveType : 'unknown',
      entries: typeof entries === 'number' ? entries : 0,
      extracted_bytes: typeof bytes === 'number' ? bytes : 0,
    });
    await rm(archive.filePath, { force: true });
    return {
      stage: 'unzip',
      summary: 'The bundle was already swapped in by this task before a restart; its install is now recorded.',
    };
  }
  const tally = createLineTally();
  let stats: BundleStats | null = null;
  const previous = existsSync(currentDir) ? (recorded?.bundle_id ?? null) : null;
  let installed;
  try {
    if (archive.sha256 !== null) refuseRolledBack(bundles.findRolledBack(archive.sha256), force, ctx);
    installed = await installBundle(
      {
        archivePath: archive.filePath,
        bundlesDir,
        limits: {
          maxTotalBytes: config.unzipMaxBytes,
          maxEntries: config.unzipMaxEntries,
          maxRatio: config.unzipMaxRatio,
        },
        observeEntry: tally.observe,
        swapId: taskId,
        beforeSwap: async (stagingDir) => {
          const checked = await inspectBundleTree(stagingDir, { signal: ctx.signal, log: ctx.log, tally });
          const limits = {
            maxSymbolLossPercent: config.installMaxSymbolLossPercent,
            maxRowLossPercent: config.installMaxRowLossPercent,
          };
          await guardAgainstShrink(checked, { installed: recorded, currentDir, limits, force }, ctx);
          stats = checked;
        },
      },
      ctx,
    );
  } catch (error) {
    // A refused archive will be refused again: keeping it would only hold the disk.
    if (isAppError(error, ErrorCode.BundleInvalid) || isAppError(error, ErrorCode.BundleRefused)) {
      await rm(archive.filePath, { force: true });
    }
    throw error;
  }
  if (stats === null) throw new Error('the install check did not run before the swap');
  bundles.recordInstall({
    ...newInstall(taskId, archive, stats, previous, force),
    archive_type: installed.archiveType,
    entries: installed.entries,
    extracted_bytes: installed.bytes,
  });
  // The archive is installed and its digest recorded; keeping it would only double the disk use.
  await rm(archive.filePath, { force: true });
  return {
    stage: 'unzip',
    summary: `Installed ${installed.entries} entries (${formatBytes(installed.bytes)}) into bundles/current.`,
  };
}

function refuseRolledBack(rolledBack: BundleInstall | null, force: boolean, ctx: StageContext): void {
  if (rolledBack === null) return;
  const what =
    `This archive (sha256 ${rolledBack.sha256 ?? '?'}) is the bundle rolled back at ${rolledBack.rolled_back_at ?? '?'}` +
    (rolledBack.rolled_back_by_task_id === null ? '' : ` by task ${rolledBack.rolled_back_by_task_id}`);
  if (force) {
    ctx.log('WARNING', `Forced install: ${what}; installing it again because the task was forced.`);
    return;
  }
  throw new AppError(
    ErrorCode.BundleRefused,
    `${what}; it is not installed again unless forced: ${ClientMessage.forceHint}.`,
  );
}

/** The install record of an archive, before its extraction facts are filled in. */
function newInstall(
  taskId: string,
  archive: DownloadedArchive,
  stats: BundleStats,
  previous: number | null,
  force: boolean,
): NewBundleInstall {
  return {
    task_id: taskId,
    source_url: archive.url,
    sha256: archive.sha256,
    size_bytes: archive.bytes,
    etag: archive.etag,
    last_modified: archive.lastModified,
    archive_type: 'unknown',
    entries: 0,
    extracted_bytes: 0,
    layout: stats.layout,
    symbol_count: stats.symbols,
    row_count: stats.rows,
    last_date: stats.lastDate,
    forced: force ? 1 : 0,
    previous_bundle_id: previous,
  };
}
