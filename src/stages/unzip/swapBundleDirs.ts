import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const CURRENT_DIR = 'current';
export const PREVIOUS_DIR = 'previous';
export const STAGING_PREFIX = '.staging-';
export const TRASH_PREFIX = '.trash-';
export const SWAP_JOURNAL = '.swap.json';
/** Names the last swap that completed (its `id`), so a redelivered step can tell its own swap is already done. */
export const LAST_SWAP = '.last-swap.json';

/** Written (atomically) once staging is complete and before the first rename; removed after the last step. */
export interface SwapJournal {
  readonly staging: string;
  readonly trash: string;
  /** Who asks for the swap (a task id); recorded in `.last-swap.json` once the swap is complete. */
  readonly id?: string;
  /** Facts about the swapped-in tree, kept with the id (an install's archive type, entries and bytes). */
  readonly note?: Readonly<Record<string, unknown>>;
  /**
   * A rollback's first phase: `previous` still has to move to `staging`. After that rename the journal is rewritten
   * without this flag, because current/previous before and after a swap look alike and only the journal tells them
   * apart.
   */
  readonly restore?: boolean;
}

export function newTrashName(): string {
  return `${TRASH_PREFIX}${randomBytes(6).toString('hex')}`;
}

export function newStagingName(): string {
  return `${STAGING_PREFIX}${randomBytes(6).toString('hex')}`;
}

export async function writeSwapJournal(bundlesDir: string, journal: SwapJournal): Promise<void> {
  await writeAtomically(join(bundlesDir, SWAP_JOURNAL), JSON.stringify(journal));
}

export interface LastSwap {
  readonly id: string;
  readonly note: Readonly<Record<string, unknown>>;
}

/** The last completed swap that named an id, or null when none did. */
export async function readLastSwap(bundlesDir: string): Promise<LastSwap | null> {
  try {
    const value = JSON.parse(await readFile(join(bundlesDir, LAST_SWAP), 'utf8')) as Partial<LastSwap>;
    if (typeof value.id !== 'string') return null;
    return { id: value.id, note: typeof value.note === 'object' && value.note !== null ? value.note : {} };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || error instanceof SyntaxError) return null;
    throw error;
  }
}

async function writeAtomically(path: string, text: string): Promise<void> {
  const temporary = `${path}.tmp`;
  await writeFile(temporary, text, { flush: true });
  await rename(temporary, path);
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
    if (!plain(value.staging, STAGING_PREFIX) || !plain(value.trash, TRASH_PREFIX)) return null;
    return {
      staging: value.staging,
      trash: value.trash,
      ...(typeof value.id === 'string' ? { id: value.id } : {}),
      ...(typeof value.note === 'object' && value.note !== null ? { note: value.note } : {}),
      ...(value.restore === true ? { restore: true } : {}),
    };
  } catch {
    // A journal cut off mid-write was never renamed into place, so this is damage from outside: ignore it.
    return null;
  }
}

/**
 * Performs (or finishes) the swap. Every step is one rename and is skipped when the directory layout shows it is
 * already done, so running it again after a crash at any point converges on: staging → current, old current →
 * previous, old previous → trash (deleted). A `restore` journal first moves previous to staging, so the same steps
 * then exchange current and previous.
 */
export async function completeSwap(bundlesDir: string, started: SwapJournal): Promise<void> {
  let journal = started;
  const staging = join(bundlesDir, journal.staging);
  const current = join(bundlesDir, CURRENT_DIR);
  const previous = join(bundlesDir, PREVIOUS_DIR);
  const trash = join(bundlesDir, journal.trash);
  if (journal.restore === true) {
    if (!(await exists(staging))) {
      if (!(await exists(previous))) {
        // Nothing to restore (removed from outside): drop the journal and record no swap.
        await rm(join(bundlesDir, SWAP_JOURNAL), { force: true });
        return;
      }
      await rename(previous, staging);
    }
    journal = { ...journal, restore: false };
    await writeSwapJournal(bundlesDir, journal);
  }
  if (await exists(staging)) {
    if (await exists(current)) {
      if (await exists(previous)) await rename(previous, trash);
      await rename(current, previous);
    }
    await rename(staging, current);
  }
  // Before the journal goes: once it is gone, only this record says whose swap put current in place.
  if (journal.id !== undefined) {
    await writeAtomically(join(bundlesDir, LAST_SWAP), JSON.stringify({ id: journal.id, note: journal.note ?? {} }));
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
