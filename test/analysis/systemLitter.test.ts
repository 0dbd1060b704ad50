import { execFileSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { analyzeBundleToSummary } from '../../src/analysis/analyzeBundle';
import { openTarGzBundle } from '../../src/analysis/archive/openTarGzBundle';
import { openZipTree } from '../../src/analysis/archive/openZipTree';
import { createZipWriter } from '../../scripts/zip/createZipWriter';
import { writeSyntheticBundleDir } from '../../scripts/bundleGenerator/writeSyntheticBundleDir';
import { createTempDirs, createTestContext } from './analysisTestKit';

const temp = createTempDirs();
afterEach(() => temp.cleanup());

// The start of an AppleDouble file (magic 0x00051607, version 2, "Mac OS X"): what a macOS `tar` writes as
// `._<name>` beside a file that has extended attributes, such as the quarantine flag of a download.
const APPLE_DOUBLE = Buffer.concat([
  Buffer.from('0005160700020000', 'hex'),
  Buffer.from('Mac OS X        '),
  Buffer.alloc(64, 0xb0),
]);

const analyze = (bundle: Parameters<typeof analyzeBundleToSummary>[0]) =>
  analyzeBundleToSummary(bundle, createTestContext(), { workers: 0 });

/** Every file of `dir` (relative paths), for writing the same tree into a zip. */
function filesOf(dir: string, under = ''): string[] {
  return readdirSync(join(dir, under), { withFileTypes: true }).flatMap((entry) => {
    const path = under === '' ? entry.name : `${under}/${entry.name}`;
    return entry.isDirectory() ? filesOf(dir, path) : [path];
  });
}

/** The same tree as a directory, a zip and a tar.gz streamed in place: each must analyse to `expected`. */
async function expectEveryContainer(dir: string, members: string[], expected: unknown): Promise<void> {
  expect(await analyze(dir)).toEqual(expected);
  const zipPath = join(temp.make(), 'bundle.zip');
  const zip = createZipWriter(zipPath);
  for (const file of filesOf(dir)) await zip.addFile(file, execFileSync('cat', [join(dir, file)]));
  await zip.close();
  expect(await analyze(await openZipTree(zipPath))).toEqual(expected);
  const tarPath = join(temp.make(), 'bundle.tar.gz');
  execFileSync('tar', ['-czf', tarPath, '-C', dir, ...members]);
  const streamed = await openTarGzBundle(tarPath, createTestContext());
  expect(streamed !== null && typeof streamed === 'object' && 'jobs' in streamed).toBe(true);
  expect(await analyze(streamed!)).toEqual(expected);
}

describe('files that operating systems leave beside a bundle', () => {
  it('macOS AppleDouble files beside daily CSVs are not symbols, in a directory, a zip or a tar.gz', async () => {
    const dir = temp.make();
    const expected = await writeSyntheticBundleDir(dir, { symbols: 5, days: 60, seed: 4 });
    const [first] = readdirSync(join(dir, 'daily')).sort();
    writeFileSync(join(dir, 'daily', `._${first}`), APPLE_DOUBLE);
    writeFileSync(join(dir, '._calendar.csv'), APPLE_DOUBLE);
    writeFileSync(join(dir, 'daily', '.DS_Store'), APPLE_DOUBLE);
    // Side files first, so that the tar.gz is read in one pass.
    const members = ['calendar.csv', '._calendar.csv', 'instruments.csv', 'manifest.json', 'daily'];
    await expectEveryContainer(dir, members, expected);
  });

  it('macOS AppleDouble files beside qlib fields and calendars are not data', async () => {
    const dir = temp.make();
    const expected = await writeSyntheticBundleDir(dir, { symbols: 4, days: 60, seed: 5, format: 'qlib-bin' });
    const [symbol] = readdirSync(join(dir, 'features')).sort();
    writeFileSync(join(dir, 'features', symbol!, '._close.day.bin'), APPLE_DOUBLE);
    writeFileSync(join(dir, 'features', `._${symbol}`), APPLE_DOUBLE);
    writeFileSync(join(dir, 'calendars', '._day.txt'), APPLE_DOUBLE);
    await expectEveryContainer(dir, ['calendars', 'instruments', 'features'], expected);
  });
});
