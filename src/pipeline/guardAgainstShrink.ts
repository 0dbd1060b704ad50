import { existsSync } from 'node:fs';
import type { BundleStats } from '../analysis/bundleStats';
import { formatCount } from '../analysis/bundleStats';
import { describeBundleShrink, type InstalledSize, type ShrinkLimits } from '../analysis/describeBundleShrink';
import { inspectBundleTree } from '../analysis/inspectBundleTree';
import type { BundleInstall } from '../bundles/bundleStore';
import { ClientMessage } from '../clientMessages';
import { AppError, ErrorCode, isAppError } from '../errors';
import type { StageContext } from '../stages/stageContext';

export interface ShrinkGuardOptions {
  /** The install that `currentDir` holds, per the database (null when none is recorded). */
  readonly installed: BundleInstall | null;
  readonly currentDir: string;
  readonly limits: ShrinkLimits;
  readonly force: boolean;
}

/**
 * Refuses (BUNDLE_REFUSED, with the numbers) a new bundle that loses more symbols or rows than the limits allow, or
 * whose data ends earlier, compared with the installed one. The installed size comes from its install record, or
 * is counted on disk once for installs recorded before sizes were. `force` turns the refusal into a logged warning.
 */
export async function guardAgainstShrink(next: BundleStats, options: ShrinkGuardOptions, ctx: StageContext) {
  ctx.log('INFO', `The new bundle is ${describeSize(next)} (${next.layout}).`);
  if (!existsSync(options.currentDir)) return;
  const installed = await installedSize(options, ctx);
  if (installed === null) return;
  const reasons = describeBundleShrink(installed, next, options.limits);
  if (reasons.length === 0) return;
  if (options.force) {
    ctx.log('WARNING', `Forced install: ${reasons.join('; ')}. Installed anyway because the task was forced.`);
    return;
  }
  throw new AppError(
    ErrorCode.BundleRefused,
    `The new bundle was not installed: ${reasons.join('; and ')}. The installed bundle (${describeSize(installed)}) ` +
      `is unchanged; ${ClientMessage.forceHint}.`,
  );
}

async function installedSize(options: ShrinkGuardOptions, ctx: StageContext): Promise<InstalledSize | null> {
  const row = options.installed;
  if (row !== null && row.symbol_count !== null && row.row_count !== null) {
    return { symbols: row.symbol_count, rows: row.row_count, lastDate: row.last_date };
  }
  try {
    const counted = await inspectBundleTree(options.currentDir, { signal: ctx.signal, log: () => undefined });
    ctx.log('INFO', `Counted the installed bundle (its install predates recorded sizes): ${describeSize(counted)}.`);
    return counted;
  } catch (error) {
    if (!isAppError(error, ErrorCode.BundleInvalid)) throw error;
    // Nothing worth protecting (say the code-only archive an older version installed): any valid bundle is better.
    ctx.log('WARNING', `The installed bundle is not a usable bundle, so no size comparison: ${error.message}`);
    return null;
  }
}

function describeSize(size: InstalledSize): string {
  const until = size.lastDate === null ? '' : ` up to ${size.lastDate}`;
  return `${formatCount(size.symbols)} symbols, ${formatCount(size.rows)} rows${until}`;
}
