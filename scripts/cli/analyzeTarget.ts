import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeBundleToSummary } from '../../src/analysis/analyzeBundle';
import { openTarGzBundle } from '../../src/analysis/archive/openTarGzBundle';
import { openZipTree } from '../../src/analysis/archive/openZipTree';
import type { BundleSummary } from '../../src/analysis/metricNames';
import type { StageContext } from '../../src/stages/stageContext';
import { detectArchiveType } from '../../src/stages/unzip/detectArchiveType';
import { extractArchive } from '../../src/stages/unzip/extractArchive';

/**
 * Analyses a bundle directory or archive. Archives are read in place (zip members inflated as they are analysed; a
 * tar.gz streamed through once, or twice when its layout shows late); only a long-form tar.gz too large to hold is
 * extracted to a temporary directory, which is always removed.
 */
export async function analyzeTarget(path: string, isDirectory: boolean, ctx: StageContext): Promise<BundleSummary> {
  if (isDirectory) return analyzeBundleToSummary(path, ctx);
  if ((await detectArchiveType(path)) === 'zip') return analyzeBundleToSummary(await openZipTree(path), ctx);
  const streamed = await openTarGzBundle(path, ctx);
  if (streamed !== null) return analyzeBundleToSummary(streamed, ctx);
  const temp = await mkdtemp(join(tmpdir(), 'bundle-analyze-'));
  try {
    await extractArchive(path, join(temp, 'bundle'), undefined, { ...ctx, log: () => undefined });
    return await analyzeBundleToSummary(join(temp, 'bundle'), ctx);
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}
