import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { analyzeBundleToSummary } from '../../src/analysis/analyzeBundle';
import { openZipTree } from '../../src/analysis/archive/openZipTree';
import { extractArchive } from '../../src/stages/unzip/extractArchive';
import { createRawZipWriter, type RawZipEntry } from '../../scripts/zip/createRawZipWriter';
import { writeSyntheticBundleDir } from '../../scripts/bundleGenerator/writeSyntheticBundleDir';
import { writeTarGz } from './helpers/buildTarGz';
import { createStageTestContext } from './helpers/stageTestContext';
import { createTempDirs, createTestContext } from '../analysis/analysisTestKit';

const temp = createTempDirs();
afterEach(() => temp.cleanup());

/** Every file of `dir` as a relative path with `separator` between its parts. */
function filesOf(dir: string, separator: string, under: string[] = []): string[] {
  return readdirSync(join(dir, ...under), { withFileTypes: true }).flatMap((entry) => {
    const parts = [...under, entry.name];
    return entry.isDirectory() ? filesOf(dir, separator, parts) : [parts.join(separator)];
  });
}

async function rawZip(path: string, entries: RawZipEntry[]): Promise<string> {
  const writer = createRawZipWriter(path);
  for (const entry of entries) await writer.addEntry(entry);
  await writer.close();
  return path;
}

// .NET Framework 4.5's ZipFile.CreateFromDirectory, and PowerShell 5's Compress-Archive on top of it, write '\' between
// the parts of a name, which the zip format's note forbids; unzip and 7-Zip read them as separators.
describe('zip names with Windows separators', () => {
  it('extracts and analyses a bundle zipped with backslashes like one zipped with slashes', async () => {
    const dir = temp.make();
    const bundle = join(dir, 'bundle');
    const expected = await writeSyntheticBundleDir(bundle, { symbols: 6, days: 30, seed: 5 });
    const entries = filesOf(bundle, '\\').map((name) => ({
      name: `release\\${name}`,
      data: readFileSync(join(bundle, ...name.split('\\'))),
    }));
    const archive = await rawZip(join(dir, 'windows.zip'), entries);

    const ctx = createTestContext();
    expect(await analyzeBundleToSummary(await openZipTree(archive), ctx, { workers: 0 })).toEqual(expected);
    const out = join(dir, 'out');
    await extractArchive(archive, out, undefined, createStageTestContext());
    expect(filesOf(join(out, 'release'), '/').sort()).toEqual(filesOf(bundle, '/').sort());
    expect(readFileSync(join(out, 'release', 'daily', readdirSync(join(bundle, 'daily'))[0]!))).toEqual(
      readFileSync(join(bundle, 'daily', readdirSync(join(bundle, 'daily'))[0]!)),
    );
  });

  it.each([
    ['..\\evil.csv', "contains a '..' segment"],
    ['daily\\..\\..\\evil.csv', "contains a '..' segment"],
    ['\\evil.csv', 'has an absolute path'],
    ['\\\\server\\share\\evil.csv', 'has an absolute path'],
    ['C:\\evil.csv', 'has a drive letter'],
  ])('still refuses the zip entry %s, named as written', async (name, why) => {
    const dir = temp.make();
    const archive = await rawZip(join(dir, 'bad.zip'), [{ name, data: Buffer.from('x') }]);
    await expect(extractArchive(archive, join(dir, 'out'), undefined, createStageTestContext())).rejects.toMatchObject({
      code: 'UNSAFE_ARCHIVE',
      message: `Unsafe archive: entry ${JSON.stringify(name)} ${why}.`,
    });
    await expect(openZipTree(archive)).rejects.toMatchObject({ code: 'UNSAFE_ARCHIVE' });
  });

  it('names two entries that are one file once the backslash is a separator as duplicates', async () => {
    const dir = temp.make();
    const archive = await rawZip(join(dir, 'twice.zip'), [
      { name: 'daily/a.csv', data: Buffer.from('1') },
      { name: 'daily\\a.csv', data: Buffer.from('2') },
    ]);
    await expect(openZipTree(archive)).rejects.toMatchObject({ code: 'UNSAFE_ARCHIVE', message: /duplicate entry/ });
  });

  it('keeps refusing a backslash in a tar name, where it may be part of the name', async () => {
    const dir = temp.make();
    const archive = join(dir, 'bad.tar.gz');
    await writeTarGz(archive, [{ name: 'daily\\a.csv', data: 'x' }]);
    await expect(extractArchive(archive, join(dir, 'out'), undefined, createStageTestContext())).rejects.toMatchObject({
      code: 'UNSAFE_ARCHIVE',
      message: 'Unsafe archive: entry "daily\\\\a.csv" contains a backslash.',
    });
  });
});
