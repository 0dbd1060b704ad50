import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StageContext } from '../../src/stages/stageContext';
import type { StageProgress } from '../../src/stages/progress';

/** A fresh temp directory per call; `cleanup` removes every one created. */
export function createTempDirs(): { make(prefix?: string): string; cleanup(): void } {
  const dirs: string[] = [];
  return {
    make(prefix = 'analysis-') {
      const dir = mkdtempSync(join(tmpdir(), prefix));
      dirs.push(dir);
      return dir;
    },
    cleanup() {
      for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A stage context that records progress and log lines. */
export function createTestContext(signal: AbortSignal = new AbortController().signal): StageContext & {
  progress: StageProgress[];
  logs: string[];
} {
  const progress: StageProgress[] = [];
  const logs: string[] = [];
  return {
    signal,
    onProgress: (p) => progress.push(p),
    log: (level, message) => logs.push(`${level} ${message}`),
    progress,
    logs,
  };
}
