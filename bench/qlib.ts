// Benchmark: a generated qlib binary bundle (calendar, instruments, per-field .day.bin) of 2,000 symbols x 2,500
// days as .tar.gz, `market-data analyze` (streamed in place, never extracted) against `tar xzf` of the same archive,
// and against `tar xzf` into a tmpfs when /dev/shm exists. Prints the ratios and our peak RSS; never fails on a number.
// Also times the same files archived with features/ before calendars/, as GNU tar may order them (its data waits in a
// temporary file until the calendar shows).
//   node dist/bench/qlib.js [--symbols 2000] [--days 2500]
import { copyFileSync, cpSync, existsSync, mkdtempSync, readdirSync, rmSync, statfsSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { argValue, freshDirs, formatRss, interleave, runCommand, type CommandRun } from './benchCommands';

const CLI = join(__dirname, '..', 'scripts', 'cli.js');
const TMPFS = '/dev/shm';

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
      `generated qlib binary ${symbols} x ${days} as tar.gz (${mb.toFixed(0)} MB) in ${made.seconds.toFixed(1)} s; ` +
        `ours runs on Node ${process.version}`,
    );
    // The same files with features/ first: the order GNU tar gives when the file system lists that directory first.
    const late = join(dir, 'qlib_bin-features-first.tar.gz');
    // Files written here stay until the end, with `dir`: deleting 16,000 files just before a timed `tar xzf` would
    // slow it down (see freshDirs).
    const unpacked = mkdtempSync(join(dir, 'unpacked-'));
    runCommand('tar', ['xzf', archive, '-C', unpacked]);
    runCommand('tar', ['czf', late, '-C', unpacked, 'features', 'instruments', 'calendars']);
    const release = releaseLike(dir, unpacked);
    const tarInto = (parent: string, tarGz = archive) => {
      const target = freshDirs(parent, 'extracted-');
      return () => runCommand('tar', ['xzf', tarGz, '-C', target()]);
    };
    // tar's time also depends on how fast the file system takes 16,000 new files; a tmpfs, when there is one with
    // room for the files twice over, shows it without that part (ours writes nothing). Each round extracts into a
    // directory of its own, on the tmpfs removed after the round (it is memory, and the inode scan that freshDirs
    // avoids on a disk does not happen there). A run started within minutes of one that deleted many files (another
    // benchmark's clean-up) sees the disk's figure slowed.
    const unpackedBytes = treeBytes(unpacked);
    const tmpfs = hasRoom(TMPFS, 2 * unpackedBytes) ? mkdtempSync(join(TMPFS, 'bench-qlib-')) : null;
    if (!tmpfs)
      console.log(`no tmpfs at ${TMPFS} with room for ${(unpackedBytes / 2 ** 20).toFixed(0)} MB twice: disk only`);
    try {
      const contenders: Record<string, () => CommandRun> = {
        tar: tarInto(dir),
        ours: () => runCommand(process.execPath, [CLI, 'analyze', archive, '--json']),
        oursFeaturesFirst: () => runCommand(process.execPath, [CLI, 'analyze', late, '--json']),
        oursRelease: () => runCommand(process.execPath, [CLI, 'analyze', release.archive, '--json']),
      };
      if (tmpfs) {
        const target = freshDirs(tmpfs, 'extracted-');
        const extract = (tarGz: string) => () => {
          const into = target();
          const run = runCommand('tar', ['xzf', tarGz, '-C', into]);
          rmSync(into, { recursive: true, force: true });
          return run;
        };
        contenders.tarTmpfs = extract(archive);
        contenders.tarReleaseTmpfs = extract(release.archive);
      } else contenders.tarRelease = tarInto(dir, release.archive);
      const results = interleave(5, contenders);
      const tar = results.tar!;
      const ours = results.ours!;
      const ratio = (baseline: number): string => `${(baseline / ours.best.seconds).toFixed(2)}x`;
      console.log(`baseline tar xzf into ${tmpdir()}: ${tar.best.seconds.toFixed(2)} s`);
      const onTmpfs = results.tarTmpfs;
      if (onTmpfs) console.log(`tar xzf into a tmpfs (${TMPFS}): ${onTmpfs.best.seconds.toFixed(2)} s`);
      console.log(
        `market-data analyze <qlib tar.gz>: ${ours.best.seconds.toFixed(2)} s, ratio ours/tar ${ratio(tar.best.seconds)} ` +
          `(target >= 1.0x)${onTmpfs ? `, ours/tar into a tmpfs ${ratio(onTmpfs.best.seconds)}` : ''}, ` +
          `${formatRss(ours.peakRssMb)} (target < 300 MB)`,
      );
      const featuresFirst = results.oursFeaturesFirst!;
      console.log(
        `the same with features/ before calendars/: ${featuresFirst.best.seconds.toFixed(2)} s, ratio ours/tar ` +
          `${(tar.best.seconds / featuresFirst.best.seconds).toFixed(2)}x, ${formatRss(featuresFirst.peakRssMb)}`,
      );
      const releaseTar = (results.tarReleaseTmpfs ?? results.tarRelease)!;
      const oursRelease = results.oursRelease!;
      console.log(
        `as the community release is made (${release.fields} fields under qlib_bin/, archived in the file system's ` +
          `order: ${release.order}): ${oursRelease.best.seconds.toFixed(2)} s against tar xzf into ` +
          `${results.tarReleaseTmpfs ? 'a tmpfs' : tmpdir()} ${releaseTar.best.seconds.toFixed(2)} s, ratio ours/tar ` +
          `${(releaseTar.best.seconds / oursRelease.best.seconds).toFixed(2)}x, ${formatRss(oursRelease.peakRssMb)}`,
      );
    } finally {
      if (tmpfs) rmSync(tmpfs, { recursive: true, force: true });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Fields chenditc/investment_data ships beside the seven the analysis reads, and what each is copied from here. */
const EXTRA_FIELDS = { vwap: 'close', adjclose: 'close', change: 'factor' } as const;

/**
 * The bundle as the community release packs it: under `qlib_bin/`, ten fields a symbol, `calendars/day_future.txt`
 * beside `day.txt`, archived with `tar czf … qlib_bin` so the members come in the order the file system lists them.
 */
function releaseLike(dir: string, unpacked: string): { archive: string; fields: number; order: string } {
  const root = join(dir, 'release', 'qlib_bin');
  cpSync(unpacked, root, { recursive: true });
  copyFileSync(join(root, 'calendars', 'day.txt'), join(root, 'calendars', 'day_future.txt'));
  const symbols = readdirSync(join(root, 'features'));
  for (const symbol of symbols) {
    const folder = join(root, 'features', symbol);
    for (const [field, from] of Object.entries(EXTRA_FIELDS)) {
      copyFileSync(join(folder, `${from}.day.bin`), join(folder, `${field}.day.bin`));
    }
  }
  const archive = join(dir, 'qlib_bin-release.tar.gz');
  runCommand('tar', ['czf', archive, '-C', join(dir, 'release'), 'qlib_bin']);
  const fields = readdirSync(join(root, 'features', symbols[0]!)).length;
  return { archive, fields, order: folderOrder(archive) };
}

/** The order the folders under qlib_bin/ come in the archive (tar wrote them as the file system listed them). */
function folderOrder(archive: string): string {
  const listing = spawnSync('tar', ['tzf', archive], { encoding: 'utf8', maxBuffer: 256 * 2 ** 20 }).stdout;
  const seen: string[] = [];
  for (const line of listing.split('\n')) {
    const folder = /^qlib_bin\/([^/]+)\//.exec(line)?.[1];
    if (folder !== undefined && !seen.includes(folder)) seen.push(folder);
  }
  return `${seen.join('/, ')}/`;
}

/** Bytes in the files under `dir`. */
function treeBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += statSync(join(entry.parentPath, entry.name)).size;
  }
  return total;
}

/** Whether `dir` exists on a file system with at least `bytes` free (a container's /dev/shm is often 64 MB). */
function hasRoom(dir: string, bytes: number): boolean {
  if (!existsSync(dir)) return false;
  const stats = statfsSync(dir);
  return stats.bavail * stats.bsize >= bytes;
}

main();
