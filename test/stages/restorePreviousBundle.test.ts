import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recoverBundleSwap } from '../../src/stages/unzip/recoverBundleSwap';
import { restorePreviousBundle } from '../../src/stages/unzip/restorePreviousBundle';
import { readLastSwap } from '../../src/stages/unzip/swapBundleDirs';
import { createStageTestContext } from './helpers/stageTestContext';

const WORKER = join(__dirname, 'fixtures', 'rollbackLoopWorker.js');
const COMPILED = join(__dirname, '..', '..', 'dist', 'src', 'stages', 'unzip', 'restorePreviousBundle.js');
const FILES = 40;

let dir: string;
let bundles: string;
const children: ChildProcess[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'restore-test-'));
  bundles = join(dir, 'bundles');
  await writeGeneration(join(bundles, 'current'), 'new');
  await writeGeneration(join(bundles, 'previous'), 'old');
});
afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill();
  await rm(dir, { recursive: true, force: true });
});

/** A generation: a VERSION file and FILES data files that all name it, so a torn mix is visible. */
async function writeGeneration(path: string, version: string): Promise<void> {
  await mkdir(join(path, 'daily'), { recursive: true });
  await writeFile(join(path, 'VERSION'), version);
  for (let i = 0; i < FILES; i++)
    await writeFile(join(path, 'daily', `${i}.csv`), `date,close\n2024-01-02,${version}\n`);
}

/** The generation a directory holds, or a description of what is wrong with it. */
async function generationIn(name: 'current' | 'previous'): Promise<string> {
  const path = join(bundles, name);
  if (!existsSync(path)) return 'missing';
  const version = await readFile(join(path, 'VERSION'), 'utf8');
  const files = await readdir(join(path, 'daily'));
  if (files.length !== FILES) return `torn (${files.length} files)`;
  for (const file of files) {
    if (!(await readFile(join(path, 'daily', file), 'utf8')).endsWith(`,${version}\n`)) return 'torn (mixed)';
  }
  return version;
}

const listing = async () => (await readdir(bundles)).filter((name) => name !== '.last-swap.json').sort();

describe('restorePreviousBundle', () => {
  it('exchanges current and previous once per id, and again for a new id', async () => {
    const id = randomUUID();
    expect(await restorePreviousBundle(bundles, id, createStageTestContext())).toEqual({ swapped: true });
    expect([await generationIn('current'), await generationIn('previous')]).toEqual(['old', 'new']);
    expect(await restorePreviousBundle(bundles, id, createStageTestContext())).toEqual({ swapped: false });
    expect(await generationIn('current')).toBe('old');
    expect(await restorePreviousBundle(bundles, randomUUID(), createStageTestContext())).toEqual({ swapped: true });
    expect([await generationIn('current'), await generationIn('previous')]).toEqual(['new', 'old']);
    expect(await listing()).toEqual(['current', 'previous']);
  });

  it('fails with NO_PREVIOUS_BUNDLE and changes nothing when there is no previous generation', async () => {
    await rm(join(bundles, 'previous'), { recursive: true });
    await expect(restorePreviousBundle(bundles, randomUUID(), createStageTestContext())).rejects.toMatchObject({
      code: 'NO_PREVIOUS_BUNDLE',
      message: expect.stringMatching(/bundles\/previous does not exist/) as unknown,
    });
    expect(await generationIn('current')).toBe('new');
    expect(await listing()).toEqual(['current']);
  });

  it('changes nothing when cancelled before the exchange begins', async () => {
    const ctx = createStageTestContext();
    ctx.controller.abort();
    await expect(restorePreviousBundle(bundles, randomUUID(), ctx)).rejects.toMatchObject({ code: 'CANCELLED' });
    expect([await generationIn('current'), await generationIn('previous')]).toEqual(['new', 'old']);
  });

  // The on-disk state after a crash at each step of the exchange; recovery must finish it exactly once.
  const journal = (restore: boolean, id: string) =>
    writeFile(
      join(bundles, '.swap.json'),
      JSON.stringify({ staging: '.staging-r', trash: '.trash-r', id, ...(restore ? { restore: true } : {}) }),
    );
  const move = (from: string, to: string) => rename(join(bundles, from), join(bundles, to));
  it.each([
    ['after the journal was written', (id: string) => journal(true, id)],
    [
      'after previous moved to staging',
      async (id: string) => [await journal(true, id), await move('previous', '.staging-r')],
    ],
    [
      'after the journal was rewritten',
      async (id: string) => [await journal(true, id), await move('previous', '.staging-r'), await journal(false, id)],
    ],
    [
      'after current moved to previous',
      async (id: string) => [
        await journal(false, id),
        await move('previous', '.staging-r'),
        await move('current', 'previous'),
      ],
    ],
    [
      'after the last rename',
      async (id: string) => [
        await journal(false, id),
        await move('previous', '.staging-r'),
        await move('current', 'previous'),
        await move('.staging-r', 'current'),
      ],
    ],
  ])('a crash %s ends with the exchange done exactly once', async (_label, crashAt) => {
    const id = randomUUID();
    await crashAt(id);
    expect(await recoverBundleSwap(bundles)).toMatchObject({ completedSwap: true });
    expect([await generationIn('current'), await generationIn('previous')]).toEqual(['old', 'new']);
    expect((await readLastSwap(bundles))?.id).toBe(id);
    // The redelivered step sees its own swap and does not exchange back.
    expect(await restorePreviousBundle(bundles, id, createStageTestContext())).toEqual({ swapped: false });
    expect(await generationIn('current')).toBe('old');
    expect(await listing()).toEqual(['current', 'previous']);
  });

  it('a process killed with SIGKILL at random points of repeated rollbacks always leaves two whole bundles', async () => {
    expect(existsSync(COMPILED), 'run `npm run build` first (npm test does)').toBe(true);
    let interrupted = 0;
    for (let round = 0; round < 16; round++) {
      const child = fork(WORKER, [bundles], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      children.push(child);
      await new Promise<void>((resolve, reject) => {
        child.once('message', () => resolve());
        child.once('exit', (code) => reject(new Error(`worker exited early (${code})`)));
      });
      await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 40)));
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
      if (existsSync(join(bundles, '.swap.json'))) interrupted++;
      await recoverBundleSwap(bundles);
      const generations = [await generationIn('current'), await generationIn('previous')].sort();
      expect(generations, `round ${round}`).toEqual(['new', 'old']);
      expect(await listing()).toEqual(['current', 'previous']);
    }
    // The kills did land inside exchanges, not only between them.
    expect(interrupted).toBeGreaterThan(0);
  });
});
