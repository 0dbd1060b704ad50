import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { prestartAnalysisWorkers } from '../../src/analysis/analysisWorkerPool';
import { analyzeBundleToSummary } from '../../src/analysis/analyzeBundle';
import { openTarGzBundle } from '../../src/analysis/archive/openTarGzBundle';
import { openZipTree } from '../../src/analysis/archive/openZipTree';
import type { BundleSummary } from '../../src/analysis/metricNames';
import { defaultWorkerCount } from '../../src/analysis/runSymbolJobs';
import type { StageContext } from '../../src/stages/stageContext';
import { detectArchiveType, extractArchive } from '../../src/stages/unzip/extractArchive';
import { formatSummary } from './formatSummary';
import { createProgressLine } from './progressLine';
import { UsageError } from './usageError';

/**
 * `analyze <bundle.zip | bundle.tar.gz | directory> [--json]`. Archives are read in place (zip members inflated as
 * they are analysed; a tar.gz streamed through once, or twice when its layout shows late); only a long-form tar.gz
 * too large to hold is extracted to a temporary directory, which is always removed.
 */
export async function runAnalyzeCommand(args: string[], signal: AbortSignal): Promise<void> {
  const { values, positionals } = parseArgs({ args, options: { json: { type: 'boolean' } }, allowPositionals: true });
  if (positionals.length !== 1) throw new UsageError('analyze takes exactly one bundle path.');
  // Every bundle worth a worker gets at least one: started now, it is ready by the time the first symbol is read.
  if (defaultWorkerCount() > 0) prestartAnalysisWorkers(1);
  const target = positionals[0]!;
  const info = await stat(target).catch(() => null);
  if (!info) throw new UsageError(`No such file or directory: ${target}`);
  const ctx: StageContext = {
    signal,
    onProgress: createProgressLine('analysing'),
    log: (level, message) => {
      if (level === 'WARNING' || level === 'ERROR') process.stderr.write(`${level.toLowerCase()}: ${message}\n`);
    },
  };
  let summary: BundleSummary;
  try {
    summary = info.isDirectory() ? await analyzeBundleToSummary(target, ctx) : await analyzeArchive(target, ctx);
  } finally {
    ctx.onProgress({ done: 0, total: null, unit: 'symbols', message: '' });
  }
  process.stdout.write(values.json ? `${JSON.stringify(summary, null, 2)}\n` : formatSummary(summary));
}

async function analyzeArchive(path: string, ctx: StageContext): Promise<BundleSummary> {
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
