import { mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { installBundle } from '../../src/stages/unzip/installBundle';
import { recoverBundleSwap } from '../../src/stages/unzip/recoverBundleSwap';
import { readLastSwap } from '../../src/stages/unzip/swapBundleDirs';
import { createRawZipWriter } from '../../scripts/zip/createRawZipWriter';
import { createZipWriter } from '../../scripts/zip/createZipWriter';
import { createStageTestContext } from './helpers/stageTestContext';

let dir: string;
let bundles: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'install-test-'));
  bundles = join(dir, 'bundles');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function makeBundle(name: string, version: string, files = 5): Promise<string> {
  const archive = join(dir, name);
  const writer = createZipWriter(archive);
  await writer.addFile('VERSION', version);
  for (let index = 0; index < files; index += 1) {
    await writer.addFile(`daily/${index}.csv`, `date,close\n2024-01-02,${index}.${version}\n`.repeat(200));
  }
  await writer.close();
  return archive;
}

const version = (which: 'current' | 'previous') => readFile(join(bundles, which, 'VERSION'), 'utf8');
const listing = async () => (await readdir(bundles)).sort();

describe('installBundle', () => {
  it('swaps bundles in and keeps exactly one previous generation', async () => {
    const first = await installBundle(
      { archivePath: await makeBundle('v1.zip', 'v1'), bundlesDir: bundles },
      createStageTestContext(),
    );
    expect(first).toMatchObject({
      currentDir: join(bundles, 'current'),
      previousDir: null,
      archiveType: 'zip',
      entries: 6,
    });
    await installBundle(
      { archivePath: await makeBundle('v2.zip', 'v2'), bundlesDir: bundles },
      createStageTestContext(),
    );
    const third = await installBundle(
      { archivePath: await makeBundle('v3.zip', 'v3'), bundlesDir: bundles },
      createStageTestContext(),
    );
    expect(third.previousDir).toBe(join(bundles, 'previous'));
    expect(await version('current')).toBe('v3');
    expect(await version('previous')).toBe('v2');
    expect(await listing()).toEqual(['current', 'previous']);
  });

  it.each([
    ['path traversal', { name: '../evil.csv', data: Buffer.from('x') }],
    ['symlink', { name: 'link', data: Buffer.from('/etc'), method: 'stored' as const, unixMode: 0o120777 }],
    ['zip bomb', { name: 'zeros.csv', data: Buffer.alloc(40 * 1024 * 1024) }],
  ])('leaves current and previous untouched when the archive is unsafe (%s)', async (_label, entry) => {
    await installBundle(
      { archivePath: await makeBundle('v1.zip', 'v1'), bundlesDir: bundles },
      createStageTestContext(),
    );
    await installBundle(
      { archivePath: await makeBundle('v2.zip', 'v2'), bundlesDir: bundles },
      createStageTestContext(),
    );
    const archive = join(dir, 'bad.zip');
    const writer = createRawZipWriter(archive);
    await writer.addEntry({ name: 'VERSION', data: Buffer.from('bad') });
    await writer.addEntry(entry);
    await writer.close();
    await expect(
      installBundle({ archivePath: archive, bundlesDir: bundles }, createStageTestContext()),
    ).rejects.toMatchObject({
      code: 'UNSAFE_ARCHIVE',
    });
    expect(await version('current')).toBe('v2');
    expect(await version('previous')).toBe('v1');
    expect(await listing()).toEqual(['current', 'previous']);
  });

  it('leaves current untouched and removes staging when a truncated archive fails', async () => {
    await installBundle(
      { archivePath: await makeBundle('v1.zip', 'v1'), bundlesDir: bundles },
      createStageTestContext(),
    );
    const archive = await makeBundle('v2.zip', 'v2');
    const bytes = await readFile(archive);
    await writeFile(archive, bytes.subarray(0, bytes.length - 30));
    await expect(
      installBundle({ archivePath: archive, bundlesDir: bundles }, createStageTestContext()),
    ).rejects.toMatchObject({
      code: 'UNSUPPORTED_ARCHIVE',
    });
    expect(await version('current')).toBe('v1');
    expect(await listing()).toEqual(['current']);
  });

  it('leaves current untouched when cancelled in the middle of extraction', async () => {
    await installBundle(
      { archivePath: await makeBundle('v1.zip', 'v1'), bundlesDir: bundles },
      createStageTestContext(),
    );
    const archive = await makeBundle('v2.zip', 'v2', 300);
    const ctx = createStageTestContext();
    const running = installBundle(
      { archivePath: archive, bundlesDir: bundles },
      { ...ctx, onProgress: (progress) => progress.done > 0 && ctx.controller.abort() },
    );
    await expect(running).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(await version('current')).toBe('v1');
    expect(await listing()).toEqual(['current']);
  });

  it('finishes a swap that a crash interrupted between the two renames', async () => {
    await installBundle(
      { archivePath: await makeBundle('v1.zip', 'v1'), bundlesDir: bundles },
      createStageTestContext(),
    );
    await installBundle(
      { archivePath: await makeBundle('v2.zip', 'v2'), bundlesDir: bundles },
      createStageTestContext(),
    );
    // Recreate the on-disk state of a crash: journal written, previous moved to trash, current moved to previous,
    // staging (complete, holding v3) not yet renamed.
    await mkdir(join(bundles, '.staging-abc'));
    await writeFile(join(bundles, '.staging-abc', 'VERSION'), 'v3');
    await writeFile(join(bundles, '.swap.json'), JSON.stringify({ staging: '.staging-abc', trash: '.trash-abc' }));
    await rename(join(bundles, 'previous'), join(bundles, '.trash-abc'));
    await rename(join(bundles, 'current'), join(bundles, 'previous'));
    await mkdir(join(bundles, '.staging-unfinished'));

    const result = await recoverBundleSwap(bundles);
    expect(result).toEqual({ completedSwap: true, removed: ['.staging-unfinished'] });
    expect(await version('current')).toBe('v3');
    expect(await version('previous')).toBe('v2');
    expect(await listing()).toEqual(['current', 'previous']);
    expect(await recoverBundleSwap(bundles)).toEqual({ completedSwap: false, removed: [] });
  });

  it('finishes a swap interrupted right after the journal was written', async () => {
    await installBundle(
      { archivePath: await makeBundle('v1.zip', 'v1'), bundlesDir: bundles },
      createStageTestContext(),
    );
    await installBundle(
      { archivePath: await makeBundle('v2.zip', 'v2'), bundlesDir: bundles },
      createStageTestContext(),
    );
    await mkdir(join(bundles, '.staging-xyz'));
    await writeFile(join(bundles, '.staging-xyz', 'VERSION'), 'v3');
    await writeFile(join(bundles, '.swap.json'), JSON.stringify({ staging: '.staging-xyz', trash: '.trash-xyz' }));
    const ctx = createStageTestContext();
    await installBundle({ archivePath: await makeBundle('v4.zip', 'v4'), bundlesDir: bundles }, ctx);
    expect(ctx.logs.some((line) => line.includes('crash'))).toBe(true);
    expect(await version('current')).toBe('v4');
    expect(await version('previous')).toBe('v3');
  });

  it('a beforeSwap check that throws refuses the bundle: staging is removed, current and previous untouched', async () => {
    await installBundle(
      { archivePath: await makeBundle('v1.zip', 'v1'), bundlesDir: bundles },
      createStageTestContext(),
    );
    await installBundle(
      { archivePath: await makeBundle('v2.zip', 'v2'), bundlesDir: bundles },
      createStageTestContext(),
    );
    let checked: string[] = [];
    const refused = installBundle(
      {
        archivePath: await makeBundle('v3.zip', 'v3'),
        bundlesDir: bundles,
        beforeSwap: async (staging) => {
          checked = (await readdir(join(staging, 'daily'))).sort();
          throw Object.assign(new Error('not a bundle'), { code: 'BUNDLE_INVALID' });
        },
      },
      createStageTestContext(),
    );
    await expect(refused).rejects.toMatchObject({ code: 'BUNDLE_INVALID' });
    expect(checked).toEqual(['0.csv', '1.csv', '2.csv', '3.csv', '4.csv']);
    expect(await version('current')).toBe('v2');
    expect(await version('previous')).toBe('v1');
    expect(await listing()).toEqual(['current', 'previous']);
  });

  it('shows the observer every member it asks for, byte for byte, and records the swap id with the archive facts', async () => {
    const seen = new Map<string, Buffer[]>();
    await installBundle(
      {
        archivePath: await makeBundle('v1.zip', 'v1', 3),
        bundlesDir: bundles,
        observeEntry: (path) => {
          if (!path.endsWith('.csv')) return null;
          const chunks: Buffer[] = [];
          seen.set(path, chunks);
          return (chunk) => chunks.push(Buffer.from(chunk));
        },
        swapId: 'task-1',
      },
      createStageTestContext(),
    );
    expect([...seen.keys()].sort()).toEqual(['daily/0.csv', 'daily/1.csv', 'daily/2.csv']);
    for (const [path, chunks] of seen) {
      expect(Buffer.concat(chunks).equals(await readFile(join(bundles, 'current', path)))).toBe(true);
    }
    expect(await readLastSwap(bundles)).toEqual({
      id: 'task-1',
      note: { archiveType: 'zip', entries: 4, bytes: expect.any(Number) as unknown },
    });
  });
});
