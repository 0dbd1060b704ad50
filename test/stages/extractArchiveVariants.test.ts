import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { extractArchive } from '../../src/stages/unzip/extractArchive';
import { createRawZipWriter, type RawZipEntry } from '../../scripts/zip/createRawZipWriter';
import { writeTarGz, type TarMember } from './helpers/buildTarGz';
import { createStageTestContext } from './helpers/stageTestContext';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'extract-variants-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function rawZip(entries: RawZipEntry[]): Promise<string> {
  const archive = join(dir, 'bad.zip');
  const writer = createRawZipWriter(archive);
  for (const entry of entries) await writer.addEntry(entry);
  await writer.close();
  return archive;
}

async function tarGz(members: TarMember[]): Promise<string> {
  const archive = join(dir, 'bad.tgz');
  await writeTarGz(archive, members);
  return archive;
}

let outputs = 0;
// A fresh output directory per call: the extractor insists on an empty one.
const extract = (archive: string, ctx = createStageTestContext(), limits?: Parameters<typeof extractArchive>[2]) =>
  extractArchive(archive, join(dir, `out${(outputs += 1)}`), limits, ctx);

describe('extraction safety variants', () => {
  it.each([
    ['a NUL byte', 'daily/x.csv\u0000../../evil'],
    ['a Windows drive path with backslashes', 'C:\\evil.csv'],
    ['a UNC-style absolute path', '//server/share/evil.csv'],
    ['a dot segment that normalises to a parent', 'daily/./../../evil.csv'],
  ])('rejects a zip entry name with %s', async (_what, name) => {
    const archive = await rawZip([{ name, data: Buffer.from('x') }]);
    await expect(extract(archive)).rejects.toMatchObject({ code: 'UNSAFE_ARCHIVE' });
  });

  it('rejects two zip names that are the same file after Unicode normalisation', async () => {
    const archive = await rawZip([
      { name: 'daily/caf\u00e9.csv', data: Buffer.from('1') },
      { name: 'daily/cafe\u0301.csv', data: Buffer.from('2') },
    ]);
    await expect(extract(archive)).rejects.toMatchObject({ code: 'UNSAFE_ARCHIVE', message: /duplicate entry/ });
  });

  it('rejects a zip where a directory entry later appears as a file, and a file later used as a directory', async () => {
    const dirThenFile = await rawZip([
      { name: 'daily/', data: Buffer.alloc(0) },
      { name: 'daily', data: Buffer.from('x') },
    ]);
    await expect(extract(dirThenFile)).rejects.toMatchObject({ message: /both a file and a directory/ });
    await rm(dirThenFile);
    const fileThenDir = await rawZip([
      { name: 'daily', data: Buffer.from('x') },
      { name: 'daily/a.csv', data: Buffer.from('y') },
    ]);
    await expect(extract(fileThenDir)).rejects.toMatchObject({ message: /both a file and a directory/ });
  });

  it('rejects a tar whose directories differ only in case, after many members named the first spelling', async () => {
    const members: TarMember[] = Array.from({ length: 5 }, (_, i) => ({
      name: `q/features/sh60000${i}/close.day.bin`,
      data: 'x',
    }));
    members.push({ name: 'q/Features/sh600009/close.day.bin', data: 'x' });
    await expect(extract(await tarGz(members))).rejects.toMatchObject({
      code: 'UNSAFE_ARCHIVE',
      message: 'Unsafe archive: directories "q/features" and "q/Features" differ only in case.',
    });
  });

  it('rejects a tar directory member that later appears as a file, and tar hard links to outside paths', async () => {
    await expect(
      extract(
        await tarGz([
          { name: 'daily', type: '5' },
          { name: 'daily', data: 'x' },
        ]),
      ),
    ).rejects.toMatchObject({ code: 'UNSAFE_ARCHIVE', message: /both a file and a directory/ });
    await expect(
      extract(await tarGz([{ name: 'a.csv', type: '1', linkName: '../../etc/passwd' }])),
    ).rejects.toMatchObject({ code: 'UNSAFE_ARCHIVE', message: /hard link/ });
  });

  it('rejects a ratio bomb spread over many small zip entries that each stay under the per-entry floor', async () => {
    // 40 entries of 1 MiB of zeros: every entry passes the per-entry rule, the archive as a whole expands ~1000×.
    const entries = Array.from({ length: 40 }, (_, i) => ({ name: `z/${i}.csv`, data: Buffer.alloc(2 ** 20) }));
    const archive = await rawZip(entries);
    await expect(extract(archive)).rejects.toMatchObject({
      code: 'UNSAFE_ARCHIVE',
      message: expect.stringContaining('compression ratio above 200'),
    });
    expect(await readdir(join(dir, `out${outputs}`)).catch(() => [])).toEqual([]);
  });

  it('rejects a zip that declares too many entries before reading its central directory', async () => {
    const archive = await rawZip([1, 2, 3].map((i) => ({ name: `${i}.csv`, data: Buffer.from('x') })));
    // Claim 1,000 members in the end record: the cap must fire on the claim, not after parsing (or choking on) them.
    const bytes = await readFile(archive);
    bytes.writeUInt16LE(1000, bytes.length - 22 + 8);
    bytes.writeUInt16LE(1000, bytes.length - 22 + 10);
    await writeFile(archive, bytes);
    await expect(extract(archive, createStageTestContext(), { maxEntries: 10 })).rejects.toMatchObject({
      code: 'UNSAFE_ARCHIVE',
      message: 'Unsafe archive: more than 10 entries.',
    });
  });

  it('rejects a zip whose local header names another file than its central directory record', async () => {
    const archive = await rawZip([
      { name: 'daily/600000.SH.csv', data: Buffer.from('date,close\n') },
      { name: 'daily/600001.SH.csv', data: Buffer.from('date,close\n') },
    ]);
    // Same length, so every offset stays right: only a reader of local headers would see '../' in this archive.
    const bytes = await readFile(archive);
    bytes.write('../../tmp/evil1.csv', 30, 'utf8');
    await writeFile(archive, bytes);
    await expect(extract(archive)).rejects.toMatchObject({
      code: 'UNSAFE_ARCHIVE',
      message: expect.stringContaining('the local header of "daily/600000.SH.csv" names "../../tmp/evil1.csv"'),
    });
  });

  it('ends a tar.gz extraction with a progress report at 100% of the bytes written', async () => {
    const archive = await tarGz([
      { name: 'daily/a.csv', data: 'date,open\n2024-01-02,1\n' },
      { name: 'daily/b.csv', data: 'date,open\n2024-01-02,2\n' },
    ]);
    const ctx = createStageTestContext();
    const result = await extract(archive, ctx);
    const dones = ctx.progress.map((progress) => progress.done);
    expect(dones).toEqual([...dones].sort((a, b) => a - b));
    expect(ctx.progress.at(-1)).toMatchObject({ done: result.bytes, total: result.bytes });
  });
});
