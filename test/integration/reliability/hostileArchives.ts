import { open, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createPrng } from '../../../scripts/bundleGenerator/createPrng';
import { createRawZipWriter, type RawZipEntry } from '../../../scripts/zip/createRawZipWriter';
import { writeTarGz } from '../../stages/helpers/buildTarGz';

const HEADER = 'date,open,high,low,close,volume\n';

/** A small, valid daily CSV: `days` weekday rows from 2024-01-02 with a gently rising price. */
export function dailyCsv(days: number, header = HEADER): string {
  const rows: string[] = [];
  for (let day = new Date(Date.UTC(2024, 0, 2)); rows.length < days; day.setUTCDate(day.getUTCDate() + 1)) {
    if (day.getUTCDay() === 0 || day.getUTCDay() === 6) continue;
    const close = (10 + rows.length / 100).toFixed(2);
    rows.push(`${day.toISOString().slice(0, 10)},${close},${close},${close},${close},${1000 + rows.length}`);
  }
  return header + rows.join('\n') + '\n';
}

/**
 * Incompressible bytes from a fixed seed: every run builds the same archives, so a failure replays as it is
 * (the suite draws nothing at random).
 */
export function noiseBytes(length: number, seed: number): Buffer {
  const prng = createPrng(seed);
  const bytes = Buffer.alloc(length);
  for (let at = 0; at < length; at += 1) bytes[at] = prng.int(0, 255);
  return bytes;
}

async function zip(file: string, entries: Iterable<RawZipEntry>): Promise<string> {
  const writer = createRawZipWriter(file);
  for (const entry of entries) void writer.addEntry(entry);
  await writer.close();
  return file;
}

/** One hostile release: how it is built, and what the service must answer. */
export interface HostileBundle {
  readonly name: string;
  build(dir: string): Promise<string>;
  /** The task's `error` must match this. */
  readonly error: RegExp;
}

const csv = (name: string, days = 60): RawZipEntry => ({ name, data: Buffer.from(dailyCsv(days)) });

/** Every hostile archive of the suite; each is refused and leaves the installed bundle as it was. */
export const HOSTILE_BUNDLES: readonly HostileBundle[] = [
  {
    name: 'zip-slip (a ../ entry)',
    build: (dir) => zip(path.join(dir, 'slip.zip'), [csv('daily/600000.SH.csv'), csv('../../evil.csv')]),
    error: /Unsafe archive: entry "\.\.\/\.\.\/evil\.csv" contains a '\.\.' segment/,
  },
  {
    name: 'an absolute path',
    build: (dir) => zip(path.join(dir, 'absolute.zip'), [csv('daily/600000.SH.csv'), csv('/tmp/evil.csv')]),
    error: /Unsafe archive: entry "\/tmp\/evil\.csv" has an absolute path/,
  },
  {
    name: 'a symbolic link in a zip',
    build: (dir) =>
      zip(path.join(dir, 'symlink.zip'), [
        csv('daily/600000.SH.csv'),
        { name: 'daily/600001.SH.csv', data: Buffer.from('/etc/passwd'), method: 'stored', unixMode: 0o120777 },
      ]),
    error: /Unsafe archive: "daily\/600001\.SH\.csv" is a symbolic link/,
  },
  {
    // Zip has no hard-link type; its equivalent is two names sharing one member's data.
    name: 'a hard link in a zip (two names, one member)',
    build: async (dir) => {
      const file = await zip(path.join(dir, 'hardlink.zip'), [csv('daily/600000.SH.csv'), csv('daily/600001.SH.csv')]);
      // Point the second central record at the first member's local header.
      const bytes = await readFile(file);
      const second = bytes.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
      bytes.writeUInt32LE(0, second + 42);
      await writeFile(file, bytes);
      return file;
    },
    error: /Unsafe archive: two entries share the same data/,
  },
  {
    name: 'a symbolic link in a tar.gz',
    build: async (dir) => {
      const file = path.join(dir, 'symlink.tar.gz');
      await writeTarGz(file, [
        { name: 'daily/600000.SH.csv', data: dailyCsv(30) },
        { name: 'daily/600001.SH.csv', type: '2', linkName: '/etc/passwd' },
      ]);
      return file;
    },
    error: /Unsafe archive: .*daily\/600001\.SH\.csv.*(symbolic|link)/,
  },
  {
    name: 'a hard link in a tar.gz',
    build: async (dir) => {
      const file = path.join(dir, 'hardlink.tar.gz');
      await writeTarGz(file, [
        { name: 'daily/600000.SH.csv', data: dailyCsv(30) },
        { name: 'daily/600001.SH.csv', type: '1', linkName: 'daily/600000.SH.csv' },
      ]);
      return file;
    },
    error: /Unsafe archive: .*daily\/600001\.SH\.csv.*link/,
  },
  {
    name: 'a zip bomb (one member, 512 MiB of zeros)',
    build: (dir) =>
      zip(path.join(dir, 'bomb.zip'), [
        csv('daily/600000.SH.csv'),
        { name: 'daily/bomb.csv', data: Buffer.alloc(2 ** 29) },
      ]),
    error: /Unsafe archive: "daily\/bomb\.csv" has a compression ratio above 200 .*possible zip bomb/,
  },
  {
    name: 'a ratio bomb over many small members (400 × 1 MiB of zeros)',
    build: (dir) =>
      zip(path.join(dir, 'ratio-bomb.zip'), [
        csv('daily/600000.SH.csv'),
        ...Array.from({ length: 400 }, (_, i) => ({ name: `daily/Z${i}.csv`, data: Buffer.alloc(2 ** 20) })),
      ]),
    error: /Unsafe archive: the archive has a compression ratio above 200 .*possible zip bomb/,
  },
  {
    name: '100,000 tiny members and no market data',
    build: (dir) =>
      zip(
        path.join(dir, 'tiny.zip'),
        Array.from({ length: 100_000 }, (_, i) => ({
          name: `notes/n${i}.txt`,
          data: Buffer.from('x'),
          method: 'stored' as const,
        })),
      ),
    error: /holds no market data: found n0\.txt, n1\.txt, .* and 99992 more; expected daily/,
  },
  {
    name: 'a truncated archive',
    build: async (dir) => {
      const whole = await zip(path.join(dir, 'whole.zip'), [
        ...Array.from({ length: 20 }, (_, i) => csv(`daily/6000${String(i).padStart(2, '0')}.SH.csv`, 200)),
      ]);
      const bytes = await readFile(whole);
      const file = path.join(dir, 'truncated.zip');
      await writeFile(file, bytes.subarray(0, Math.floor(bytes.length / 2)));
      return file;
    },
    error: /Corrupt or truncated archive/,
  },
  {
    name: 'a central directory that disagrees with the local headers',
    build: async (dir) => {
      const file = await zip(path.join(dir, 'disagree.zip'), [csv('daily/600000.SH.csv'), csv('daily/600001.SH.csv')]);
      // The first member's local header names another file than its central record does (same length).
      const handle = await open(file, 'r+');
      await handle.write(Buffer.from('../../tmp/evil1.csv'), 0, 19, 30);
      await handle.close();
      return file;
    },
    error: /local header of "daily\/600000\.SH\.csv" names "\.\.\/\.\.\/tmp\/evil1\.csv"/,
  },
  {
    name: 'a 10 MB single CSV line (the header)',
    build: (dir) =>
      zip(path.join(dir, 'long-line.zip'), [
        // Random text, so the line does not compress like a bomb: one header line of 10 MB.
        {
          name: 'daily/600000.SH.csv',
          data: Buffer.from(HEADER.trimEnd() + ',' + noiseBytes(7.5 * 2 ** 20, 1).toString('base64')),
        },
      ]),
    error: /The bundle's 1 data file\(s\) hold a header but no rows/,
  },
  {
    name: 'binary garbage named .csv',
    build: (dir) =>
      zip(path.join(dir, 'garbage.zip'), [
        { name: 'daily/600000.SH.csv', data: noiseBytes(256 * 1024, 2) },
        { name: 'daily/600001.SH.csv', data: noiseBytes(256 * 1024, 3) },
      ]),
    error: /The bundle's CSV files are not usable: 2 of 2 sampled files fail/,
  },
  {
    name: 'an empty archive',
    build: (dir) => zip(path.join(dir, 'empty.zip'), []),
    error: /holds no market data: (found )?nothing/,
  },
  {
    name: 'a bundle with no daily/ at all',
    build: (dir) =>
      zip(path.join(dir, 'no-daily.zip'), [
        { name: 'calendar.csv', data: Buffer.from('date\n2024-01-02\n') },
        { name: 'instruments.csv', data: Buffer.from('symbol,name\n600000.SH,x\n') },
      ]),
    error: /holds no market data: found calendar\.csv, instruments\.csv/,
  },
];
