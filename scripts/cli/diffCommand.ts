import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { openTarGzBundle } from '../../src/analysis/archive/openTarGzBundle';
import { openZipTree } from '../../src/analysis/archive/openZipTree';
import { createSingleFileTree } from '../../src/analysis/bundleTree';
import { diffBundles } from '../../src/analysis/diff/diffBundles';
import type { DiffInput } from '../../src/analysis/diff/prepareDiffSide';
import type { StageContext } from '../../src/stages/stageContext';
import { extractArchive } from '../../src/stages/unzip/extractArchive';
import { formatDiff, toDiffReport } from './formatDiff';
import { bundleFileKind } from './bundleFileKind';
import { createCommandContext } from './commandContext';
import { UsageError } from './usageError';

/**
 * `diff <old bundle> <new bundle> [--json]`: what changed from the old bundle to the new one, as the service reports
 * it after an install. Directories, zips and CSV files (a bundle of one file) are read in place; a tar.gz too when it
 * fits in memory (48 MiB of data), else it is extracted to a temporary directory (the diff needs both bundles' files
 * by symbol, which one pass over a tar cannot give), removed afterwards.
 */
export async function runDiffCommand(args: string[], signal: AbortSignal): Promise<void> {
  const { values, positionals } = parseArgs({ args, options: { json: { type: 'boolean' } }, allowPositionals: true });
  if (positionals.length !== 2) throw new UsageError('diff takes two bundle paths: the old one, then the new one.');
  for (const path of positionals) {
    if (!(await stat(path).catch(() => null))) throw new UsageError(`No such file or directory: ${path}`);
  }
  const ctx = createCommandContext('comparing', signal);
  const temp = await mkdtemp(join(tmpdir(), 'bundle-diff-'));
  try {
    const [oldPath, newPath] = positionals as [string, string];
    const old = await openForDiff(oldPath, join(temp, 'old'), ctx);
    const next = await openForDiff(newPath, join(temp, 'new'), ctx);
    const diff = await diffBundles(old, next, ctx, { tempDir: temp });
    const report = toDiffReport(diff, resolve(oldPath), resolve(newPath));
    process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatDiff(report));
  } finally {
    ctx.onProgress({ done: 0, total: null, unit: 'symbols', message: '' });
    await rm(temp, { recursive: true, force: true });
  }
}

async function openForDiff(path: string, extractTo: string, ctx: StageContext): Promise<DiffInput> {
  if ((await stat(path)).isDirectory()) return path;
  const kind = await bundleFileKind(path);
  if (kind === 'csv') return createSingleFileTree(path);
  if (kind === 'zip') return openZipTree(path);
  const streamed = await openTarGzBundle(path, ctx, { treeOnly: true });
  if (streamed !== null && typeof streamed !== 'string' && 'list' in streamed) return streamed;
  // Too large to hold: the diff reads its files by symbol, which a stream cannot give.
  await extractArchive(path, extractTo, undefined, { ...ctx, log: () => undefined });
  return extractTo;
}
