import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { openTarGzBundle } from '../../src/analysis/archive/openTarGzBundle';
import { openZipTree } from '../../src/analysis/archive/openZipTree';
import { createSingleFileTree } from '../../src/analysis/bundleTree';
import { diffBundles } from '../../src/analysis/diff/diffBundles';
import type { DiffTotals } from '../../src/analysis/diff/diffTypes';
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
 * by symbol, which one pass over a tar cannot give), removed afterwards. `--fail-on restated` makes the exit code 3
 * when rows of the old bundle changed their values; `--fail-on changed`, also when rows, days or symbols are gone.
 */
export async function runDiffCommand(args: string[], signal: AbortSignal): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { json: { type: 'boolean' }, 'fail-on': { type: 'string' } },
    allowPositionals: true,
  });
  if (positionals.length !== 2) throw new UsageError('diff takes two bundle paths: the old one, then the new one.');
  const failOn = values['fail-on'];
  if (failOn !== undefined && failOn !== 'restated' && failOn !== 'changed') {
    throw new UsageError(`--fail-on takes restated or changed (got "${failOn}").`);
  }
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
    const changes = failOn === undefined ? [] : historyChanges(diff.totals, failOn);
    if (changes.length === 0) return 0;
    process.stderr.write(`market-data: the new bundle ${changes.join(', ')} (--fail-on ${failOn}).\n`);
    return 3;
  } finally {
    ctx.onProgress({ done: 0, total: null, unit: 'symbols', message: '' });
    await rm(temp, { recursive: true, force: true });
  }
}

/** What the new bundle did to the old one's history, in words: restated rows, and with `changed` what it dropped. */
function historyChanges(totals: DiffTotals, level: 'restated' | 'changed'): string[] {
  const words: string[] = [];
  if (totals.rows_restated > 0) {
    words.push(`restates ${totals.rows_restated} row(s) of ${totals.symbols_restated} symbol(s)`);
  }
  const removed = [
    [totals.rows_removed, 'row(s)'],
    [totals.days_removed, 'calendar day(s)'],
    [totals.symbols_removed, 'symbol(s)'],
  ] as const;
  const gone = removed.filter(([count]) => count > 0).map(([count, what]) => `${count} ${what}`);
  if (level === 'changed' && gone.length > 0) words.push(`removes ${gone.join(', ')}`);
  return words;
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
