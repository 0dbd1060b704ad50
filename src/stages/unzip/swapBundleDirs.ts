import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const CURRENT_DIR = 'current';
export const PREVIOUS_DIR = 'previous';
export const STAGING_PREFIX = '.staging-';
export const TRASH_PREFIX = '.trash-';
export const SWAP_JOURNAL = '.swap.json';

/** Written (atomically) once staging is complete and before the first rename; removed after the last step. */
export interface SwapJournal {
  readonly staging: string;
  readonly trash: string;
}

export function newTrashName(): string {
  return `${TRASH_PREFIX}${randomBytes(6).toString('hex')}`;
}

export async function writeSwapJournal(bundlesDir: string, journal: SwapJournal): Promise<void> {
  const temporary = join(bundlesDir, `${SWAP_JOURNAL}.tmp`);
  await writeFile(temporary, JSON.stringify(journal), { flush: true });
  await rename(temporary, join(bundlesDir, SWAP_JOURNAL));
}

export async function readSwapJournal(bundlesDir: string): Promise<SwapJournal | null> {
  let text: string;
  try {
    text = await readFile(join(bundlesDir, SWAP_JOURNAL), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  try {
    const value = JSON.parse(text) as Partial<SwapJournal>;
    const plain = (name: unknown, prefix: string): name is string =>
      typeof name === 'string' && name.startsWith(prefix) && !name.includes('/') && !name.includes('\\');
    return plain(value.staging, STAGING_PREFIX) && plain(value.trash, TRASH_PREFIX)
      ? { staging: value.staging, trash: value.trash }
      : null;
  } catch {
    // A journal cut off mid-write was never renamed into place, so this is damage from outside: ignore it.
    return null;
  }
}

/**
 * Performs (or finishes) the swap. Every step is one rename and is skipped when the directory layout shows it is
 * already done, so running it again after a crash at any point converges on: staging → current, old current →
 * previous, old previous → trash (deleted).
 */
export async function completeSwap(bundlesDir: string, journal: SwapJournal): Promise<void> {
  const staging = join(bundlesDir, journal.staging);
  const current = join(bundlesDir, CURRENT_DIR);
  const previous = join(bundlesDir, PREVIOUS_DIR);
  const trash = join(bundlesDir, journal.trash);
  if (await exists(staging)) {
    if (await exists(current)) {
      if (await exists(previous)) await rename(previous, trash);
      await rename(current, previous);
    }
    await rename(staging, current);
  }
  await rm(trash, { recursive: true, force: true });
  await rm(join(bundlesDir, SWAP_JOURNAL), { force: true });
}

export async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}
