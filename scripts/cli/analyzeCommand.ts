import { stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { defaultWorkerCount, prestartAnalysisWorkers } from '../../src/analysis/analysisWorkerPool';
import type { BundleSummary } from '../../src/analysis/metricNames';
import { formatSummary } from './formatSummary';
import { createCommandContext } from './commandContext';
import { UsageError } from './usageError';

/** `analyze <bundle.zip | bundle.tar.gz | directory | file.csv[.gz]> [--json]` (see analyzeTarget for how each is read). */
export async function runAnalyzeCommand(args: string[], signal: AbortSignal): Promise<void> {
  const { values, positionals } = parseArgs({ args, options: { json: { type: 'boolean' } }, allowPositionals: true });
  if (positionals.length !== 1) throw new UsageError('analyze takes exactly one bundle path.');
  // Every bundle worth a worker gets at least one. Started before the analysis modules load, its own start-up runs
  // meanwhile, and it is ready by the time the first symbol is read.
  if (defaultWorkerCount() > 0) prestartAnalysisWorkers(1);
  const { analyzeTarget } = await import('./analyzeTarget.js');
  const target = positionals[0]!;
  const info = await stat(target).catch(() => null);
  if (!info) throw new UsageError(`No such file or directory: ${target}`);
  const ctx = createCommandContext('analysing', signal);
  let summary: BundleSummary;
  try {
    summary = await analyzeTarget(target, info.isDirectory(), ctx);
  } finally {
    ctx.onProgress({ done: 0, total: null, unit: 'symbols', message: '' });
  }
  process.stdout.write(values.json ? `${JSON.stringify(summary, null, 2)}\n` : formatSummary(summary));
}
