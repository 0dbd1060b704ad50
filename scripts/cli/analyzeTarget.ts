import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeBundleToSummary } from '../../src/analysis/analyzeBundle';
import { openTarGzBundle } from '../../src/analysis/archive/openTarGzBundle';
import { openZipTree } from '../../src/analysis/archive/openZipTree';
import { createSingleFileTree } from '../../src/analysis/bundleTree';
import type { SymbolAnalysis } from '../../src/analysis/createSymbolAnalyzer';
import type { BundleSummary } from '../../src/analysis/metricNames';
import type { StageContext } from '../../src/stages/stageContext';
import { extractArchive } from '../../src/stages/unzip/extractArchive';
import { bundleFileKind } from './bundleFileKind';

/**
 * Analyses a bundle directory, archive or CSV file (`.csv` or `.csv.gz`, a bundle of that one file). Archives are read
 * in place (zip members inflated as they are analysed; a tar.gz streamed through once, its data members set aside in a
 * temporary file while its layout is still unknown); only a long-form tar.gz too large to hold is extracted to a
 * temporary directory. Temporary files are always removed.
 */
export async function analyzeTarget(
  path: string,
  isDirectory: boolean,
  ctx: StageContext,
  onSymbol?: (result: SymbolAnalysis) => void,
): Promise<BundleSummary> {
  const options = { onSymbol };
  if (isDirectory) return analyzeBundleToSummary(path, ctx, options);
  const kind = await bundleFileKind(path);
  if (kind === 'csv') return analyzeBundleToSummary(createSingleFileTree(path), ctx, options);
  if (kind === 'zip') return analyzeBundleToSummary(await openZipTree(path), ctx, options);
  const temp = await mkdtemp(join(tmpdir(), 'bundle-analyze-'));
  try {
    const streamed = await openTarGzBundle(path, ctx, { spillDir: temp });
    if (streamed !== null) return await analyzeBundleToSummary(streamed, ctx, options);
    await extractArchive(path, join(temp, 'bundle'), undefined, { ...ctx, log: () => undefined });
    return await analyzeBundleToSummary(join(temp, 'bundle'), ctx, options);
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}
