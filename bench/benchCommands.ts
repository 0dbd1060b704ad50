// Helpers shared by the command-line benchmarks: time a command as a separate process (with its peak RSS when GNU
// time is there), the awk baseline, and the bundles the generator writes.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface CommandRun {
  readonly seconds: number;
  /** Peak resident set of the command's process (all its threads), or null without /usr/bin/time. */
  readonly maxRssMb: number | null;
}

const GNU_TIME = '/usr/bin/time';

/** Runs a command to completion (stdout discarded), as a person would from a shell; throws if it fails. */
export function runCommand(file: string, args: readonly string[], options: { cwd?: string } = {}): CommandRun {
  const timed = existsSync(GNU_TIME);
  const started = process.hrtime.bigint();
  const result = timed
    ? spawnSync(GNU_TIME, ['-f', '%M', file, ...args], { cwd: options.cwd, maxBuffer: 512 * 1024 * 1024 })
    : spawnSync(file, args, { cwd: options.cwd, maxBuffer: 512 * 1024 * 1024 });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) throw new Error(`${file} failed: ${result.stderr?.toString() ?? ''}`);
  const lastLine = result.stderr.toString().trim().split('\n').pop() ?? '';
  return { seconds, maxRssMb: timed ? Number(lastLine) / 1024 : null };
}

// Portable awk (mawk, gawk, busybox): no ENDFILE, so a file's result is printed when the next one starts.
const AWK_PROGRAM = `FNR == 1 { if (NR > 1) print name, rows, lo, hi; name = FILENAME; rows = 0; lo = ""; hi = ""; next }
{ rows++; c = $5 + 0; if (lo == "" || c < lo) lo = c; if (hi == "" || c > hi) hi = c }
END { if (NR > 0) print name, rows, lo, hi }
`;

/** Writes the awk baseline program (per-file row count and min/max close) into `dir`; returns its path. */
export function writeAwkProgram(dir: string): string {
  const path = join(dir, 'baseline.awk');
  writeFileSync(path, AWK_PROGRAM);
  return path;
}

/** awk over every file of `dailyDir`, as one process. */
export function runAwk(dailyDir: string, programPath: string): CommandRun {
  const files = readdirSync(dailyDir).map((name) => join(dailyDir, name));
  return runCommand('awk', ['-F,', '-f', programPath, ...files]);
}

export function awkVersion(): string {
  return spawnSync('awk', ['-W', 'version'], { encoding: 'utf8' }).stdout.split('\n')[0]?.trim() || 'awk';
}

/** The best run of each contender, interleaved round by round so load on a shared machine hits them alike. */
export function interleave<K extends string>(
  rounds: number,
  contenders: Record<K, () => CommandRun>,
): Record<K, { best: CommandRun; peakRssMb: number | null }> {
  const runs = new Map<K, CommandRun[]>();
  for (let round = 0; round < rounds; round++) {
    for (const name of Object.keys(contenders) as K[]) {
      const list = runs.get(name) ?? [];
      list.push(contenders[name]());
      runs.set(name, list);
    }
  }
  const result = {} as Record<K, { best: CommandRun; peakRssMb: number | null }>;
  for (const [name, list] of runs) {
    const best = list.reduce((a, b) => (a.seconds <= b.seconds ? a : b));
    const rss = list.map((run) => run.maxRssMb).filter((value): value is number => value !== null);
    result[name] = { best, peakRssMb: rss.length > 0 ? Math.max(...rss) : null };
  }
  return result;
}

export function formatRss(mb: number | null): string {
  return mb === null ? 'peak RSS n/a (no /usr/bin/time)' : `peak RSS ${mb.toFixed(0)} MB`;
}

/**
 * A fresh directory under `parent` on each call, for a baseline that writes files; the caller removes `parent` once
 * the timed rounds are over. ext4 does not hand out an inode freed in the last minutes again: it scans past each one,
 * reading its inode table block. A round that creates thousands of files right after the previous round deleted as
 * many therefore spends seconds in the kernel (`perf`: `recently_deleted`, `find_inode_bit`): `tar xzf` of the
 * 16,000-file qlib archive took 1.5 s on a quiet file system and 7 s, most of it system time, after such deletions.
 * Removing each round's files before the next one would time that scan, which our side (reading in place) never pays.
 */
export function freshDirs(parent: string, prefix: string): () => string {
  return () => mkdtempSync(join(parent, prefix));
}

export function argValue(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
}
