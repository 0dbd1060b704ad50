import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, truncate, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { extractArchive } from '../../src/stages/unzip/extractArchive';
import { createRawZipWriter } from '../../scripts/zip/createRawZipWriter';
import { createZipWriter } from '../../scripts/zip/createZipWriter';
import { writeTarGz } from './helpers/buildTarGz';
import { createStageTestContext } from './helpers/stageTestContext';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'extract-test-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function csv(symbol: number, rows: number): string {
  const lines = ['date,open,high,low,close,volume'];
  for (let row = 0; row < rows; row += 1)
    lines.push(`2024-01-${(row % 28) + 1},${symbol}.1,${symbol}.5,${symbol}.0,${symbol}.2,${row * 100}`);
  return `${lines.join('\n')}\n`;
}

async function listFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(root.length + 1))
    .sort();
}

describe('zip writer and extractor', () => {
  it('round-trips many stored and deflated files, and the unzip command agrees', async () => {
    const archive = join(dir, 'bundle.zip');
    const writer = createZipWriter(archive);
    const expected = new Map<string, Buffer>();
    for (let index = 0; index < 300; index += 1) {
      const name = `daily/${String(600000 + index)}.SH.csv`;
      const data = index % 3 === 0 ? randomBytes(2000) : Buffer.from(csv(index, 50));
      expected.set(name, data);
      void writer.addFile(name, data);
    }
    await writer.addFile('manifest.json', '{"format":"csv-daily"}');
    expected.set('manifest.json', Buffer.from('{"format":"csv-daily"}'));
    await writer.close();
    execFileSync('unzip', ['-tq', archive]);

    const ctx = createStageTestContext();
    const result = await extractArchive(archive, join(dir, 'out'), undefined, ctx);
    const total = [...expected.values()].reduce((sum, data) => sum + data.length, 0);
    expect(result).toEqual({ archiveType: 'zip', entries: 301, bytes: total });
    expect(await listFiles(join(dir, 'out'))).toEqual([...expected.keys()].sort());
    for (const [name, data] of expected) expect((await readFile(join(dir, 'out', name))).equals(data)).toBe(true);
    expect(ctx.progress.at(-1)).toMatchObject({ done: total, total, unit: 'bytes' });
  });

  it('reads zip64 records and large streamed entries', async () => {
    const archive = join(dir, 'zip64.zip');
    const big = Buffer.alloc(9 * 1024 * 1024);
    for (let at = 0; at < big.length; at += 4) big.writeUInt32LE((at * 2654435761) >>> 0, at);
    const writer = createRawZipWriter(archive, { forceZip64: true, level: 1 });
    await writer.addEntry({ name: 'big.bin', data: big });
    await writer.addEntry({ name: 'small.txt', data: Buffer.from('hello'), method: 'stored' });
    await writer.close();
    execFileSync('unzip', ['-tq', archive]);
    const result = await extractArchive(archive, join(dir, 'out'), undefined, createStageTestContext());
    expect(result.bytes).toBe(big.length + 5);
    expect((await readFile(join(dir, 'out', 'big.bin'))).equals(big)).toBe(true);
  });

  it('extracts a tar.gz made by GNU tar, including pax long names', async () => {
    const source = join(dir, 'src', 'bundle');
    const longDir = `${'deep'.repeat(30)}`;
    await mkdir(join(source, 'daily', longDir), { recursive: true });
    await writeFile(join(source, 'daily', '600000.SH.csv'), csv(1, 100));
    await writeFile(join(source, 'daily', longDir, `${'x'.repeat(120)}.csv`), csv(2, 10));
    await writeFile(join(source, 'big.csv'), csv(3, 40_000));
    const archive = join(dir, 'bundle.tgz');
    execFileSync('tar', ['--format=pax', '-czf', archive, '-C', join(dir, 'src'), 'bundle']);
    const result = await extractArchive(archive, join(dir, 'out'), undefined, createStageTestContext());
    expect(result.archiveType).toBe('tar.gz');
    expect(await listFiles(join(dir, 'out'))).toEqual(await listFiles(join(dir, 'src')));
    expect(await readFile(join(dir, 'out', 'bundle', 'big.csv'), 'utf8')).toBe(csv(3, 40_000));
  });
});

describe('unsafe and broken archives', () => {
  async function rawZip(entries: Parameters<ReturnType<typeof createRawZipWriter>['addEntry']>[0][]): Promise<string> {
    const archive = join(dir, 'bad.zip');
    const writer = createRawZipWriter(archive);
    for (const entry of entries) await writer.addEntry(entry);
    await writer.close();
    return archive;
  }
  const extract = (archive: string, limits?: Parameters<typeof extractArchive>[2]) =>
    extractArchive(archive, join(dir, 'out'), limits, createStageTestContext());

  it.each([
    ['../evil.csv', "contains a '..' segment"],
    ['daily/../../evil.csv', "contains a '..' segment"],
    ['/etc/evil.csv', 'has an absolute path'],
    ['C:/evil.csv', 'has a drive letter'],
    ['daily\\..\\evil.csv', "contains a '..' segment"],
  ])('rejects the zip entry %s', async (name, why) => {
    const archive = await rawZip([
      { name: 'ok.csv', data: Buffer.from('a') },
      { name, data: Buffer.from('x') },
    ]);
    await expect(extract(archive)).rejects.toMatchObject({
      code: 'UNSAFE_ARCHIVE',
      message: expect.stringContaining(why),
    });
    expect(await readdir(join(dir, 'out')).catch(() => [])).toEqual([]);
  });

  it('rejects symbolic links, devices and duplicate names in a zip', async () => {
    const link = await rawZip([
      { name: 'link', data: Buffer.from('/etc/passwd'), method: 'stored', unixMode: 0o120777 },
    ]);
    await expect(extract(link)).rejects.toMatchObject({
      code: 'UNSAFE_ARCHIVE',
      message: 'Unsafe archive: "link" is a symbolic link.',
    });
    await rm(link);
    const fifo = await rawZip([{ name: 'pipe', data: Buffer.alloc(0), unixMode: 0o010644 }]);
    await expect(extract(fifo)).rejects.toMatchObject({ message: expect.stringContaining('device, FIFO or socket') });
    await rm(fifo);
    const duplicate = await rawZip([
      { name: 'daily/A.csv', data: Buffer.from('1') },
      { name: 'daily/a.csv', data: Buffer.from('2') },
    ]);
    await expect(extract(duplicate)).rejects.toMatchObject({
      message: 'Unsafe archive: duplicate entry "daily/a.csv".',
    });
  });

  it('rejects a zip bomb by ratio, a lying size by actual bytes, and the entry and total caps', async () => {
    const zeros = Buffer.alloc(50 * 1024 * 1024);
    const bomb = await rawZip([{ name: 'zeros.csv', data: zeros }]);
    await expect(extract(bomb)).rejects.toMatchObject({
      message: expect.stringContaining('compression ratio above 200'),
    });
    await rm(bomb);
    const liar = await rawZip([{ name: 'zeros.csv', data: Buffer.alloc(4 * 1024 * 1024), declaredSize: 1000 }]);
    await expect(extract(liar)).rejects.toMatchObject({
      code: 'UNSAFE_ARCHIVE',
      message: 'Unsafe archive: "zeros.csv" inflates to more than its declared 1000 bytes.',
    });
    await rm(liar);
    const many = await rawZip(Array.from({ length: 11 }, (_, i) => ({ name: `f${i}.csv`, data: Buffer.from('x') })));
    await expect(extract(many, { maxEntries: 10 })).rejects.toMatchObject({
      message: 'Unsafe archive: more than 10 entries.',
    });
    await expect(extract(many, { maxTotalBytes: 5 })).rejects.toMatchObject({
      message: 'Unsafe archive: it expands to more than the limit of 5 bytes.',
    });
  });

  it('rejects truncated and corrupted zips with a clear error', async () => {
    const archive = join(dir, 'good.zip');
    const writer = createZipWriter(archive);
    await writer.addFile('a.csv', csv(1, 2000));
    await writer.close();
    const { size } = await stat(archive);
    const copy = join(dir, 'cut.zip');
    await writeFile(copy, (await readFile(archive)).subarray(0, Math.floor(size / 2)));
    await expect(extract(copy)).rejects.toMatchObject({
      code: 'UNSUPPORTED_ARCHIVE',
      message: 'Corrupt or truncated archive: the zip end-of-central-directory record is missing.',
    });
    const flipped = await readFile(archive);
    flipped[100] = (flipped[100] ?? 0) ^ 0xff;
    await writeFile(copy, flipped);
    await expect(extract(copy)).rejects.toMatchObject({ code: 'UNSUPPORTED_ARCHIVE' });
    await truncate(copy, 0);
    await expect(extract(copy)).rejects.toMatchObject({
      message: expect.stringContaining('neither a zip nor a tar.gz'),
    });
  });

  it.each([
    ['bzip2', Buffer.from('BZh91AY&SY'), 'bzip2 is not supported; use zip or tar.gz.'],
    ['xz', Buffer.from('fd377a585a000004e6d6b446', 'hex'), 'xz is not supported; use zip or tar.gz.'],
    ['zstd', Buffer.from('28b52ffd2000', 'hex'), 'zstd is not supported; use zip or tar.gz.'],
    ['7-Zip', Buffer.from('377abcaf271c0004', 'hex'), '7-Zip is not supported; use zip or tar.gz.'],
    ['RAR', Buffer.from('526172211a0701', 'hex'), 'RAR is not supported; use zip or tar.gz.'],
    [
      'a web page',
      Buffer.from('\ufeff\n  <!DOCTYPE html>\n<html lang="en"><head><title>Sign in</title></head></html>\n'),
      'the file is a web page (HTML), not an archive; the link may lead to a download page, not to the file.',
    ],
    [
      'a bare HTML document',
      Buffer.from('<html>\n<body>Not Found</body>\n</html>\n'),
      'the file is a web page (HTML), not an archive; the link may lead to a download page, not to the file.',
    ],
    ['a CSV file', Buffer.from('date,open,high,low,close\n'), 'the file is neither a zip nor a tar.gz archive.'],
  ])('refuses %s, naming it', async (_what, bytes, message) => {
    const archive = join(dir, 'download.bin');
    await writeFile(archive, bytes);
    await expect(extract(archive)).rejects.toMatchObject({
      code: 'UNSUPPORTED_ARCHIVE',
      message: `Unsupported archive: ${message}`,
    });
  });

  it('refuses a tar that was never compressed, saying to gzip it', async () => {
    await writeFile(join(dir, 'a.csv'), csv(1, 3));
    const archive = join(dir, 'bundle.tar');
    execFileSync('tar', ['-cf', archive, '-C', dir, 'a.csv']);
    await expect(extract(archive)).rejects.toMatchObject({
      code: 'UNSUPPORTED_ARCHIVE',
      message: 'Unsupported archive: an uncompressed tar is not supported; use zip or tar.gz (gzip the tar).',
    });
  });

  it.each([
    [{ name: 'evil', type: '2', linkName: '/etc' }, 'is a symbolic link'],
    [{ name: 'hard', type: '1', linkName: 'a.csv' }, 'is a hard link'],
    [{ name: 'dev', type: '3' }, 'is a device or FIFO'],
    [{ name: '../up.csv', data: 'x' }, "contains a '..' segment"],
    [{ name: 'a.csv', data: 'again' }, 'duplicate entry "a.csv"'],
  ])('rejects the tar member %o', async (member, why) => {
    const archive = join(dir, 'bad.tgz');
    await writeTarGz(archive, [{ name: 'a.csv', data: 'first' }, member]);
    await expect(extract(archive)).rejects.toMatchObject({
      code: 'UNSAFE_ARCHIVE',
      message: expect.stringContaining(why),
    });
  });

  it('rejects a truncated tar.gz and a gzip bomb', async () => {
    const archive = join(dir, 'cut.tgz');
    await writeTarGz(archive, [{ name: 'a.csv', data: randomBytes(200_000) }], { truncateTo: 50_000 });
    await expect(extract(archive)).rejects.toMatchObject({
      code: 'UNSUPPORTED_ARCHIVE',
      message: expect.stringContaining('Corrupt or truncated'),
    });
    const bomb = join(dir, 'bomb.tgz');
    await writeTarGz(bomb, [{ name: 'zeros.csv', data: Buffer.alloc(64 * 1024 * 1024) }]);
    await expect(extract(bomb)).rejects.toMatchObject({
      code: 'UNSAFE_ARCHIVE',
      message: expect.stringContaining('gzip bomb'),
    });
  });

  it('stops with CANCELLED when aborted during extraction', async () => {
    const archive = join(dir, 'many.zip');
    const writer = createZipWriter(archive);
    for (let index = 0; index < 400; index += 1) void writer.addFile(`d/${index}.csv`, csv(index, 200));
    await writer.close();
    const ctx = createStageTestContext();
    const running = extractArchive(archive, join(dir, 'out'), undefined, {
      ...ctx,
      onProgress: (progress) => {
        if (progress.done > 0) ctx.controller.abort();
      },
    });
    await expect(running).rejects.toMatchObject({ code: 'CANCELLED', message: 'Extraction was cancelled.' });
    expect((await listFiles(join(dir, 'out'))).length).toBeLessThan(400);
  });
});
