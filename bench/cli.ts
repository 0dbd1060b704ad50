// Benchmark: the installed command as a person runs it, `market-data analyze <5 M-row zip>` (a new process: start-up,
// the zip read in place, every check, the summary printed), against `unzip -q` followed by the awk baseline (row
// counts and min/max close per file). Prints the ratio and our peak RSS; never fails on a number.
//   node dist/bench/cli.js [--symbols 2000] [--days 2500]
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  argValue,
  awkVersion,
  freshDirs,
  formatRss,
  interleave,
  runAwk,
  runCommand,
  writeAwkProgram,
} from './benchCommands';

const ROOT = join(__dirname, '..', '..');

function main(): void {
  const symbols = argValue('symbols', 2000);
  const days = argValue('days', 2500);
  const dir = mkdtempSync(join(tmpdir(), 'bench-cli-'));
  try {
    // The command as npm links it: node_modules/.bin/market-data → the package's bin script.
    const bin = join(dir, 'node_modules', '.bin');
    mkdirSync(bin, { recursive: true });
    symlinkSync(join(ROOT, 'bin', 'market-data.js'), join(bin, 'market-data'));
    const command = join(bin, 'market-data');
    const zip = join(dir, 'bundle.zip');
    const made = runCommand(command, [
      'make-bundle',
      ...['--symbols', String(symbols), '--days', String(days), '--seed', '42', '--start', '2012-01-04'],
      ...['--no-calendar', '--out', zip],
    ]);
    console.log(
      `generated ${symbols} x ${days} (${((symbols * days) / 1e6).toFixed(2)} M rows) zip in ${made.seconds.toFixed(1)} s`,
    );
    const program = writeAwkProgram(dir);
    const start = runCommand(command, ['--help']);
    // Each round unzips into a directory of its own, all removed with `dir` at the end (see freshDirs).
    const unzipTarget = freshDirs(dir, 'unzipped-');
    const results = interleave(3, {
      baseline: () => {
        const target = unzipTarget();
        const unzip = runCommand('unzip', ['-q', zip, '-d', target]);
        const awk = runAwk(join(target, 'daily'), program);
        return { seconds: unzip.seconds + awk.seconds, maxRssMb: null };
      },
      ours: () => runCommand(command, ['analyze', zip, '--json']),
    });
    const { baseline, ours } = results;
    console.log(`baseline unzip -q + ${awkVersion()}: ${baseline.best.seconds.toFixed(2)} s`);
    console.log(
      `market-data analyze <zip>: ${ours.best.seconds.toFixed(2)} s, ratio ours/baseline ` +
        `${(baseline.best.seconds / ours.best.seconds).toFixed(2)}x (target >= 1.5x), ${formatRss(ours.peakRssMb)} ` +
        `(target < 300 MB); market-data --help start-up ${(start.seconds * 1000).toFixed(0)} ms`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
