import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { analyzeBundleToSummary } from '../../src/analysis/analyzeBundle';
import type { StageContext } from '../../src/stages/stageContext';
import { extractArchive } from '../../src/stages/unzip/extractArchive';
import { formatSummary } from './formatSummary';
import { UsageError } from './usageError';

/** `analyze <bundle.zip | directory> [--json]`: archives are extracted to a temp directory that is always removed. */
export async function runAnalyzeCommand(args: string[], signal: AbortSignal): Promise<void> {
  const { values, positionals } = parseArgs({ args, options: { json: { type: 'boolean' } }, allowPositionals: true });
  if (positionals.length !== 1) throw new UsageError('analyze takes exactly one bundle path.');
  const target = positionals[0]!;
  const info = await stat(target).catch(() => null);
  if (!info) throw new UsageError(`No such file or directory: ${target}`);
  const ctx: StageContext = {
    signal,
    onProgress: () => undefined,
    log: (level, message) => {
      if (level === 'WARNING' || level === 'ERROR') process.stderr.write(`${level.toLowerCase()}: ${message}\n`);
    },
  };
  let summary;
  if (info.isDirectory()) summary = await analyzeBundleToSummary(target, ctx);
  else {
    const temp = await mkdtemp(join(tmpdir(), 'bundle-analyze-'));
    try {
      await extractArchive(target, join(temp, 'bundle'), undefined, { ...ctx, log: () => undefined });
      summary = await analyzeBundleToSummary(join(temp, 'bundle'), ctx);
    } finally {
      await rm(temp, { recursive: true, force: true });
    }
  }
  process.stdout.write(values.json ? `${JSON.stringify(summary, null, 2)}\n` : formatSummary(summary));
}
