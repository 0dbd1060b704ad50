import { stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { defaultWorkerCount, prestartAnalysisWorkers } from '../../src/analysis/analysisWorkerPool';
import type { SymbolAnalysis } from '../../src/analysis/createSymbolAnalyzer';
import type { BundleSummary } from '../../src/analysis/metricNames';
import { canonicalizeSymbol } from '../../src/analysis/symbolCodes';
import { formatSymbolReport, symbolReportOf, type SymbolReport } from './formatSymbolReport';
import { findingsAtLevel } from './failOn';
import { formatSummary } from './formatSummary';
import { createCommandContext } from './commandContext';
import { UsageError } from './usageError';

/**
 * `analyze <bundle.zip | bundle.tar.gz | directory | file.csv[.gz]> [--json] [--symbol SYMBOL ...] [--fail-on LEVEL]`
 * (see analyzeTarget for how each is read). With `--symbol`, the report is those symbols' metrics and sampled issues
 * instead of the bundle's summary; a symbol not in the bundle is an error (exit code 1) after the others are printed.
 * With `--fail-on error|warn`, findings of that level in the bundle make the exit code 3.
 */
export async function runAnalyzeCommand(args: string[], signal: AbortSignal): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { json: { type: 'boolean' }, symbol: { type: 'string', multiple: true }, 'fail-on': { type: 'string' } },
    allowPositionals: true,
  });
  if (positionals.length !== 1) throw new UsageError('analyze takes exactly one bundle path.');
  const failOn = values['fail-on'];
  if (failOn !== undefined && failOn !== 'error' && failOn !== 'warn') {
    throw new UsageError(`--fail-on takes error or warn (got "${failOn}").`);
  }
  // Any spelling the analysis accepts (sh600000, SH600000, 600000), in any case (aapl): reported as the analysis
  // names it.
  const keyOf = (symbol: string): string => canonicalizeSymbol(symbol.trim()).toUpperCase();
  const wanted = new Map((values.symbol ?? []).map((raw) => [keyOf(raw), raw] as const));
  if (wanted.has('')) throw new UsageError('--symbol needs a symbol, as in --symbol 600000.SH.');
  // Every bundle worth a worker gets at least one. Started before the analysis modules load, its own start-up runs
  // meanwhile, and it is ready by the time the first symbol is read.
  if (defaultWorkerCount() > 0) prestartAnalysisWorkers(1);
  const { analyzeTarget } = await import('./analyzeTarget.js');
  const target = positionals[0]!;
  const info = await stat(target).catch(() => null);
  if (!info) throw new UsageError(`No such file or directory: ${target}`);
  const ctx = createCommandContext('analysing', signal);
  let summary: BundleSummary;
  const reports = new Map<string, { symbol: string; report: SymbolReport }>();
  const onSymbol = (result: SymbolAnalysis): void => {
    const key = keyOf(result.symbol);
    if (wanted.has(key)) reports.set(key, { symbol: result.symbol, report: symbolReportOf(result) });
  };
  try {
    summary = await analyzeTarget(target, info.isDirectory(), ctx, wanted.size > 0 ? onSymbol : undefined);
  } finally {
    ctx.onProgress({ done: 0, total: null, unit: 'symbols', message: '' });
  }
  // What the bundle holds at the level asked for: reported after the output, exit code 3 (1 is a failure to analyse,
  // 2 a usage mistake), so a script can stop before it uses a bundle with errors.
  const failed = failOn === undefined ? [] : findingsAtLevel(summary, failOn);
  const verdict = (code: number): number => {
    if (failed.length === 0) return code;
    process.stderr.write(`market-data: the bundle has ${failed.join(', ')} (--fail-on ${failOn}).\n`);
    return code === 0 ? 3 : code;
  };
  if (wanted.size === 0) {
    process.stdout.write(values.json ? `${JSON.stringify(summary, null, 2)}\n` : formatSummary(summary));
    return verdict(0);
  }
  const found = [...wanted.keys()].flatMap((key) => reports.get(key) ?? []);
  if (values.json) {
    const bySymbol = Object.fromEntries(found.map(({ symbol, report }) => [symbol, report]));
    process.stdout.write(`${JSON.stringify(bySymbol, null, 2)}\n`);
  } else process.stdout.write(found.map(({ symbol, report }) => formatSymbolReport(symbol, report)).join('\n'));
  const missing = [...wanted].filter(([key]) => !reports.has(key)).map(([, raw]) => raw);
  for (const raw of missing) {
    process.stderr.write(`error: ${raw} is not in the bundle (${summary.bundle.symbol_count} symbols).\n`);
  }
  return verdict(missing.length > 0 ? 1 : 0);
}
