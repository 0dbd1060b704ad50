// Benchmark: a generated qlib binary bundle (calendar, instruments, per-field .day.bin) of 2,000 symbols x 2,500
// days as .tar.gz, `market-data analyze` (streamed in place, never extracted) against `tar xzf` of the same archive.
// Prints the ratio and our peak RSS; never fails on a number.
//   node dist/bench/qlib.js [--symbols 2000] [--days 2500]
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { argValue, formatRss, interleave, runCommand } from './benchCommands';

const CLI = join(__dirname, '..', 'scripts', 'cli.js');

function main(): void {
  const symbols = argValue('symbols', 2000);
  const days = argValue('days', 2500);
  const dir = mkdtempSync(join(tmpdir(), 'bench-qlib-'));
  try {
    const archive = join(dir, 'qlib_bin.tar.gz');
    const made = runCommand(process.execPath, [
      CLI,
      'make-bundle',
      ...['--symbols', String(symbols), '--days', String(days), '--seed', '42', '--start', '2012-01-04'],
      ...['--format', 'qlib-bin', '--out', archive],
    ]);
    const mb = statSync(archive).size / 2 ** 20;
    console.log(
      `generated qlib binary ${symbols} x ${days} as tar.gz (${mb.toFixed(0)} MB) in ${made.seconds.toFixed(1)} s`,
    );
    const results = interleave(3, {
      tar: () => {
        const target = mkdtempSync(join(dir, 'extracted-'));
        const run = runCommand('tar', ['xzf', archive, '-C', target]);
        rmSync(target, { recursive: true, force: true });
        return run;
      },
      ours: () => runCommand(process.execPath, [CLI, 'analyze', archive, '--json']),
    });
    const { tar, ours } = results;
    console.log(`baseline tar xzf: ${tar.best.seconds.toFixed(2)} s`);
    console.log(
      `market-data analyze <qlib tar.gz>: ${ours.best.seconds.toFixed(2)} s, ratio ours/tar ` +
        `${(tar.best.seconds / ours.best.seconds).toFixed(2)}x (target >= 1.0x), ${formatRss(ours.peakRssMb)} (target < 300 MB)`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
