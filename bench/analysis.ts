// Benchmark: our bundle analysis against an awk baseline (per-file row count and min/max close) over the same
// extracted daily files, on a bundle without calendar.csv (as real CSV bundles come: the calendar is derived while
// each file is read once). Prints the throughput ratio and our peak RSS. Never fails on a number.
//   node dist/bench/analysis.js [--symbols 2000] [--days 2500]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeBundle } from '../src/analysis/analyzeBundle';
import { createAnalysisStore } from '../src/analysis/createAnalysisStore';
import { openDatabase } from '../src/db/openDatabase';
import { writeSyntheticBundleDir } from '../scripts/bundleGenerator/writeSyntheticBundleDir';
import { argValue, awkVersion as readAwkVersion, runAwk, writeAwkProgram } from './benchCommands';

async function runChild(bundleDir: string, dbPath: string, workers: number | undefined): Promise<void> {
  const db = openDatabase(dbPath);
  const started = process.hrtime.bigint();
  const result = await analyzeBundle(
    { bundleDir, store: createAnalysisStore(db), workers },
    { signal: new AbortController().signal, onProgress: () => undefined, log: () => undefined },
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  db.close();
  const maxRssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`${JSON.stringify({ seconds, maxRssMb, rows: result.totals.rows_written })}\n`);
}

function timeAwk(dailyDir: string, programPath: string): number {
  return runAwk(dailyDir, programPath).seconds;
}

function timeOurs(
  bundleDir: string,
  dbPath: string,
  workers: number,
): { seconds: number; maxRssMb: number; rows: number } {
  const args = [__filename, '--child', bundleDir, dbPath];
  if (workers !== undefined) args.push('--workers', String(workers));
  const out = execFileSync(process.execPath, args, { encoding: 'utf8' });
  return JSON.parse(out.trim()) as { seconds: number; maxRssMb: number; rows: number };
}

async function main(): Promise<void> {
  if (process.argv[2] === '--child') {
    const workersIndex = process.argv.indexOf('--workers');
    await runChild(
      process.argv[3]!,
      process.argv[4]!,
      workersIndex >= 0 ? Number(process.argv[workersIndex + 1]) : undefined,
    );
    return;
  }
  const symbols = argValue('symbols', 2000);
  const days = argValue('days', 2500);
  const dir = mkdtempSync(join(tmpdir(), 'bench-analysis-'));
  try {
    const bundleDir = join(dir, 'bundle');
    const genStart = process.hrtime.bigint();
    await writeSyntheticBundleDir(bundleDir, {
      symbols,
      days,
      seed: 42,
      start: '2012-01-04',
      defects: 'default',
      calendarFile: false,
    });
    const genSeconds = Number(process.hrtime.bigint() - genStart) / 1e9;
    const rowsTotal = symbols * days;
    console.log(
      `generated ${symbols} symbols x ${days} days (~${(rowsTotal / 1e6).toFixed(2)} M rows, no calendar.csv) in ${genSeconds.toFixed(1)} s`,
    );
    const awkVersion = readAwkVersion();
    const programPath = writeAwkProgram(dir);
    const dailyDir = join(bundleDir, 'daily');
    timeAwk(dailyDir, programPath); // warm the page cache for every contender
    // Interleave the contenders and keep each one's best run: other load on the machine hits them alike.
    const awkRuns: number[] = [];
    const ours = new Map<number, { seconds: number; maxRssMb: number; rows: number }[]>([
      [0, []],
      [2, []],
    ]);
    for (let round = 0; round < 2; round++) {
      awkRuns.push(timeAwk(dailyDir, programPath));
      for (const [workers, runs] of ours)
        runs.push(timeOurs(bundleDir, join(dir, `bench-${round}-${workers}.sqlite`), workers));
    }
    const awkSeconds = Math.min(...awkRuns);
    console.log(
      `awk baseline (${awkVersion}): ${awkSeconds.toFixed(2)} s, ${(rowsTotal / awkSeconds / 1e6).toFixed(2)} M rows/s`,
    );
    for (const [workers, runs] of ours) {
      const best = runs.reduce((a, b) => (a.seconds <= b.seconds ? a : b));
      const peakRss = Math.max(...runs.map((run) => run.maxRssMb));
      const label = workers === 0 ? 'in-process' : `${workers} worker threads`;
      console.log(
        `analyzeBundle, ${label} (all checks + SQLite): ${best.seconds.toFixed(2)} s, ` +
          `${(best.rows / best.seconds / 1e6).toFixed(2)} M rows/s, ratio ours/awk ${(awkSeconds / best.seconds).toFixed(2)}x ` +
          `(target >= 1.2x), peak RSS ${peakRss.toFixed(0)} MB (target < 300 MB)`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
