import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { generateSyntheticBundle } from '../../scripts/bundleGenerator/generateSyntheticBundle';
import { createRawZipWriter } from '../../scripts/zip/createRawZipWriter';

/** Bundle files by path inside the archive. */
export type TreeFiles = Record<string, string | Buffer>;

/** Writes `files` as a zip; a name ending in `/` becomes a directory entry (an empty `daily/`, say). */
export async function writeZip(path: string, files: TreeFiles): Promise<string> {
  const writer = createRawZipWriter(path);
  for (const [name, data] of Object.entries(files)) await writer.addEntry({ name, data: Buffer.from(data) });
  await writer.close();
  return path;
}

export async function writeTree(dir: string, files: TreeFiles): Promise<string> {
  for (const [name, data] of Object.entries(files)) {
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), data);
  }
  return dir;
}

/** A clean synthetic csv-daily bundle (the project's generator, no defects), as files. */
export async function syntheticFiles(symbols: number, days: number, seed = 11): Promise<TreeFiles> {
  const files: TreeFiles = {};
  await generateSyntheticBundle({ symbols, days, seed, defects: 'none' }, (name, data) => {
    files[name] = data;
    return Promise.resolve();
  });
  return files;
}

/** The files of an archive that holds only code, as an upstream release with a failed data upload does. */
export const CODE_ONLY: TreeFiles = {
  'README.md': '# investment_data\n',
  'scripts/dump_qlib_bin.sh': '#!/bin/sh\necho dump\n',
  'scripts/requirements.txt': 'pandas\n',
};

/** One qlib `<field>.day.bin`: element 0 is the start index into the calendar, then the values. */
export function qlibBin(start: number, values: readonly number[]): Buffer {
  const bytes = Buffer.alloc(4 * (1 + values.length));
  bytes.writeFloatLE(start, 0);
  values.forEach((value, index) => bytes.writeFloatLE(value, 4 * (index + 1)));
  return bytes;
}

/** A qlib binary tree: `days` weekdays from 2024-01-02, and each symbol's close/volume over `span` of them. */
export function qlibFiles(days: number, symbols: Record<string, { start: number; values: number }>): TreeFiles {
  const calendar: string[] = [];
  for (let day = new Date(Date.UTC(2024, 0, 2)); calendar.length < days; day.setUTCDate(day.getUTCDate() + 1)) {
    if (day.getUTCDay() !== 0 && day.getUTCDay() !== 6) calendar.push(day.toISOString().slice(0, 10));
  }
  const files: TreeFiles = {
    'calendars/day.txt': `${calendar.join('\n')}\n`,
    'instruments/all.txt': Object.keys(symbols)
      .map((symbol) => `${symbol.toUpperCase()}\t${calendar[0]}\t${calendar[days - 1]}`)
      .join('\n'),
  };
  for (const [symbol, { start, values }] of Object.entries(symbols)) {
    const series = Array.from({ length: values }, (_, index) => 10 + index / 100);
    files[`features/${symbol}/close.day.bin`] = qlibBin(start, series);
    files[`features/${symbol}/volume.day.bin`] = qlibBin(start, series);
  }
  return files;
}
