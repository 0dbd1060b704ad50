import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh temp directory per test; `cleanup` removes it (close databases first). */
export function createTempDir(prefix = 'market-data-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A clock tests move by hand, so nothing ever sleeps. */
export function createManualClock(startIso = '2025-03-03T10:00:00.000Z') {
  let current = new Date(startIso).getTime();
  return {
    now: (): Date => new Date(current),
    advance(ms: number): void {
      current += ms;
    },
    set(iso: string): void {
      current = new Date(iso).getTime();
    },
  };
}
