/**
 * End to end: one full `download` task (download with SHA-256, unzip, analysis) of a generated 5 M-row bundle
 * (2,000 symbols × 2,500 days, with calendar.csv) served over loopback, submitted through the API of the app started
 * as `npm start` starts it (a child process), against a shell pipeline doing the same work in the same run:
 * `curl -o`, `sha256sum`, `unzip -q`, and `awk` row counts and min/max close per daily file. Prints both times, the
 * ratio (shell ÷ ours: above 1 means we are faster) and the app's peak RSS. Never fails on a number.
 *   npm run bench -- e2e        (node dist/bench/e2e.js [--symbols 2000] [--days 2500] [--rounds 3])
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSecret, mintToken, Role } from '../src/auth';
import { createBenchApi, type BenchTask } from './support/benchApi';
import { benchBundle } from './support/benchBundle';
import { sampleTreeRss } from './support/sampleTreeRss';
import { startAppProcess } from './support/startAppProcess';
import { startFileServer } from './support/startFileServer';

// Portable awk (mawk, gawk, busybox): no ENDFILE, so a file's result is printed when the next one starts.
const AWK_PROGRAM = `FNR == 1 { if (NR > 1) print name, rows, lo, hi; name = FILENAME; rows = 0; lo = ""; hi = ""; next }
{ rows++; c = $5 + 0; if (lo == "" || c < lo) lo = c; if (hi == "" || c > hi) hi = c }
END { if (NR > 0) print name, rows, lo, hi }
`;

function argValue(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
}

function seconds(since: bigint): number {
  return Number(process.hrtime.bigint() - since) / 1e9;
}

function runShellPipeline(dir: string, url: string, awkFile: string): number {
  const script = [
    'set -e',
    'mkdir -p "$D"',
    `curl -sS -o "$D/bundle.zip" "$URL"`,
    `sha256sum "$D/bundle.zip" > "$D/bundle.sha256"`,
    `unzip -q "$D/bundle.zip" -d "$D/x"`,
    `awk -F, -f "$AWK" "$D"/x/daily/*.csv > "$D/stats.txt"`,
  ].join('\n');
  const started = process.hrtime.bigint();
  const result = spawnSync('sh', ['-c', script], { env: { ...process.env, D: dir, URL: url, AWK: awkFile } });
  if (result.status !== 0) throw new Error(`shell pipeline failed: ${result.stderr.toString()}`);
  return seconds(started);
}

interface OursRun {
  readonly seconds: number;
  readonly peakTreeMb: number;
  readonly highWaterMb: number;
  readonly task: BenchTask;
  readonly stages: string;
}

/** Records when the poller first saw each stage (and the end), to show where the time went. */
function createStageClock(started: bigint) {
  const seen: [string, number][] = [];
  return {
    onPoll: (task: BenchTask): void => {
      const label = task.status === 'running' || task.status === 'pending' ? (task.stage ?? task.status) : 'end';
      if (seen.at(-1)?.[0] !== label) seen.push([label, seconds(started)]);
    },
    describe: (): string => {
      return seen
        .slice(0, -1)
        .map(([label, at], i) => `${label} ${(seen[i + 1]![1] - at).toFixed(2)} s`)
        .join(', ');
    },
  };
}

async function runOurs(dir: string, url: string): Promise<OursRun> {
  const secret = generateSecret();
  const app = await startAppProcess({ home: dir, secret, bundleUrl: url });
  try {
    const token = await mintToken({ secret, subject: 'bench', roles: [Role.Admin], ttlSeconds: 3600 });
    const api = createBenchApi(app.url, token);
    const sampler = sampleTreeRss(app.pid);
    const started = process.hrtime.bigint();
    const stages = createStageClock(started);
    const submitted = await api.submit('download');
    const task = await api.waitForEnd(submitted.task_id, { intervalMs: 25, onPoll: stages.onPoll });
    const elapsed = seconds(started);
    const rss = sampler.stop();
    return {
      seconds: elapsed,
      peakTreeMb: rss.peakTreeBytes / 2 ** 20,
      highWaterMb: rss.rootHighWaterBytes / 2 ** 20,
      task,
      stages: stages.describe(),
    };
  } finally {
    await app.stop();
  }
}

const range = (values: number[], digits = 2): string =>
  `${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)}`;

async function main(): Promise<void> {
  const symbols = argValue('symbols', 2000);
  const days = argValue('days', 2500);
  const rounds = argValue('rounds', 3);
  const bundle = await benchBundle({ symbols, days, seed: 7 });
  console.log(
    `bundle: ${symbols} symbols × ${days} days (${((symbols * days) / 1e6).toFixed(1)} M rows), ` +
      `${bundle.generatedSeconds > 0 ? `generated in ${bundle.generatedSeconds.toFixed(0)} s` : 'reused from an earlier run'}`,
  );
  console.log(`machine: ${cpus().length} cores, load average ${loadavg()[0]!.toFixed(1)} at the start`);
  const server = await startFileServer(bundle.path);
  const work = mkdtempSync(join(tmpdir(), 'bench-e2e-'));
  try {
    const awkFile = join(work, 'stats.awk');
    writeFileSync(awkFile, AWK_PROGRAM);
    const shell: number[] = [];
    const ours: OursRun[] = [];
    // Interleaved rounds, each in a fresh directory (a first download for both), so passing load hits both alike.
    for (let round = 1; round <= rounds; round++) {
      const shellDir = join(work, `shell-${round}`);
      shell.push(runShellPipeline(shellDir, server.url, awkFile));
      rmSync(shellDir, { recursive: true, force: true });
      const oursDir = join(work, `ours-${round}`);
      const run = await runOurs(oursDir, server.url);
      rmSync(oursDir, { recursive: true, force: true });
      if (run.task.status !== 'success') throw new Error(`the task ended ${run.task.status}: ${run.task.error}`);
      ours.push(run);
      console.log(
        `round ${round}: shell ${shell[round - 1]!.toFixed(2)} s, ours ${run.seconds.toFixed(2)} s ` +
          `(${run.stages}), ratio ${(shell[round - 1]! / run.seconds).toFixed(2)}×, ` +
          `peak RSS ${run.peakTreeMb.toFixed(0)} MB (load ${loadavg()[0]!.toFixed(1)})`,
      );
    }
    const bestShell = Math.min(...shell);
    const bestOurs = Math.min(...ours.map((run) => run.seconds));
    console.log(`shell pipeline (curl, sha256sum, unzip -q, awk): best ${bestShell.toFixed(2)} s, ${range(shell)} s`);
    console.log(
      `ours (download task through the API on npm start): best ${bestOurs.toFixed(2)} s, ${range(ours.map((r) => r.seconds))} s`,
    );
    const perRound = ours.map((run, i) => shell[i]! / run.seconds).sort((a, b) => a - b);
    const median = perRound[Math.floor(perRound.length / 2)]!;
    console.log(
      `ratio (shell ÷ ours, best of each): ${(bestShell / bestOurs).toFixed(2)}×; per round ${range(perRound)}×, ` +
        `median ${median.toFixed(2)}×  [goal ≥ 1.5]`,
    );
    console.log(
      `peak RSS of the app's process tree: ${Math.max(...ours.map((r) => r.peakTreeMb)).toFixed(0)} MB ` +
        `(VmHWM ${Math.max(...ours.map((r) => r.highWaterMb)).toFixed(0)} MB)  [goal < 300]`,
    );
  } finally {
    await server.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
