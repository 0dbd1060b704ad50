// Benchmark: the bundle diff of two 5 M-row csv-daily bundles (2,000 symbols × 2,500 days, the new one with 20 more
// days and 1 % of the old rows restated) against `diff -r` of the two directories (which only finds the files that
// differ, not rows) and against the analysis of the new bundle, measured in the same run. Each contender runs in
// its own process; ours prints its peak RSS. Never fails on a number.
//   node dist/bench/diff.js [--symbols 2000] [--days 2500]
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeBundle } from '../src/analysis/analyzeBundle';
import { createAnalysisStore } from '../src/analysis/createAnalysisStore';
import { diffBundles } from '../src/analysis/diff/diffBundles';
import { openDatabase } from '../src/db/openDatabase';
import { createPrng } from '../scripts/bundleGenerator/createPrng';
import { writeSyntheticBundleDir } from '../scripts/bundleGenerator/writeSyntheticBundleDir';
import { argValue, formatRss, type CommandRun } from './benchCommands';

const EXTRA_DAYS = 20;
const RESTATED_SHARE = 0.01;
const ctx = { signal: new AbortController().signal, onProgress: () => undefined, log: () => undefined };

interface ChildRun {
  readonly seconds: number;
  readonly maxRssMb: number;
  readonly summary: string;
}

async function runChild(kind: string, args: string[], workers: number): Promise<void> {
  const started = process.hrtime.bigint();
  let summary: string;
  if (kind === 'diff') {
    const diff = await diffBundles(args[0]!, args[1]!, ctx, { workers });
    summary = JSON.stringify(diff.totals);
  } else {
    const db = openDatabase(args[1]!);
    const result = await analyzeBundle({ bundleDir: args[0]!, store: createAnalysisStore(db), workers }, ctx);
    db.close();
    summary = `${result.totals.rows_written} rows`;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const maxRssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`${JSON.stringify({ seconds, maxRssMb, summary })}\n`);
}

function timeChild(kind: string, args: string[], workers: number): ChildRun {
  const out = execFileSync(process.execPath, [__filename, '--child', kind, String(workers), ...args], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(out.trim()) as ChildRun;
}

/** `diff -r` (the changed lines, to a pipe we drain): exit 1 means "differences found", the expected answer here. */
function timeDiffR(oldDir: string, newDir: string): CommandRun {
  const started = process.hrtime.bigint();
  const result = spawnSync('diff', ['-r', oldDir, newDir], { maxBuffer: 1024 * 1024 * 1024 });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0 && result.status !== 1) throw new Error(`diff -r failed: ${result.stderr.toString()}`);
  return { seconds, maxRssMb: null };
}

/** Raises the close of RESTATED_SHARE of the old days' rows by one fen; returns how many rows it changed. */
function restateRows(dailyDir: string, oldDays: number): number {
  const rng = createPrng(99, 0);
  let restated = 0;
  for (const name of readdirSync(dailyDir)) {
    const path = join(dailyDir, name);
    const lines = readFileSync(path, 'utf8').split('\n');
    // Line 0 is the header; lines 1..oldDays are the days both bundles have.
    for (let i = 1; i <= oldDays && i < lines.length; i++) {
      if (rng.next() >= RESTATED_SHARE) continue;
      const fields = lines[i]!.split(',');
      fields[4] = ((Math.round(Number(fields[4]) * 100) + 1) / 100).toFixed(2);
      lines[i] = fields.join(',');
      restated++;
    }
    writeFileSync(path, lines.join('\n'));
  }
  return restated;
}

function best(runs: ChildRun[]): ChildRun & { peak: number } {
  const fastest = runs.reduce((a, b) => (a.seconds <= b.seconds ? a : b));
  return { ...fastest, peak: Math.max(...runs.map((run) => run.maxRssMb)) };
}

async function main(): Promise<void> {
  if (process.argv[2] === '--child') {
    await runChild(process.argv[3]!, process.argv.slice(5), Number(process.argv[4]));
    return;
  }
  const symbols = argValue('symbols', 2000);
  const days = argValue('days', 2500);
  const dir = mkdtempSync(join(tmpdir(), 'bench-diff-'));
  try {
    const [oldDir, newDir] = [join(dir, 'old'), join(dir, 'new')];
    const generated = process.hrtime.bigint();
    const options = { symbols, seed: 42, start: '2012-01-04', defects: 'none' as const };
    await writeSyntheticBundleDir(oldDir, { ...options, days });
    await writeSyntheticBundleDir(newDir, { ...options, days: days + EXTRA_DAYS });
    const restated = restateRows(join(newDir, 'daily'), days);
    console.log(
      `generated two bundles of ${symbols} symbols (${days} and ${days + EXTRA_DAYS} days, ~${((symbols * days) / 1e6).toFixed(1)} M rows ` +
        `each; ${restated} rows restated) in ${(Number(process.hrtime.bigint() - generated) / 1e9).toFixed(1)} s`,
    );
    timeDiffR(oldDir, newDir); // warm the page cache for every contender
    const baseline: number[] = [];
    const runs = { diff0: [] as ChildRun[], diff2: [] as ChildRun[], analysis: [] as ChildRun[] };
    // Interleaved, best of two each: other load on the shared machine hits every contender alike.
    for (let round = 0; round < 2; round++) {
      baseline.push(timeDiffR(oldDir, newDir).seconds);
      runs.diff0.push(timeChild('diff', [oldDir, newDir], 0));
      runs.diff2.push(timeChild('diff', [oldDir, newDir], 2));
      runs.analysis.push(timeChild('analysis', [newDir, join(dir, `analysis-${round}.sqlite`)], 2));
    }
    const diffR = Math.min(...baseline);
    const analysis = best(runs.analysis);
    console.log(`diff -r (GNU diffutils; changed lines per file, no notion of rows or numbers): ${diffR.toFixed(2)} s`);
    console.log(`analysis of the new bundle (2 worker threads, as the task runs it): ${analysis.seconds.toFixed(2)} s`);
    for (const [label, list] of [
      ['in-process', runs.diff0],
      ['2 worker threads', runs.diff2],
    ] as const) {
      const ours = best(list);
      console.log(
        `diffBundles, ${label}: ${ours.seconds.toFixed(2)} s, ${((2 * symbols * days) / ours.seconds / 1e6).toFixed(1)} M rows/s read, ` +
          `${(ours.seconds / diffR).toFixed(2)}x the time of diff -r, ${(ours.seconds / analysis.seconds).toFixed(2)}x the time of ` +
          `the analysis (target <= 1), ${formatRss(ours.peak)} (target < 300 MB)`,
      );
      console.log(`  totals: ${ours.summary}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
