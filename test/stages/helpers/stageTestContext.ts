import type { StageProgress } from '../../../src/stages/progress';
import type { StageContext } from '../../../src/stages/stageContext';

export interface RecordingContext extends StageContext {
  readonly progress: StageProgress[];
  readonly logs: string[];
  readonly controller: AbortController;
}

/** A real AbortController plus recorders for progress and log lines. */
export function createStageTestContext(): RecordingContext {
  const controller = new AbortController();
  const progress: StageProgress[] = [];
  const logs: string[] = [];
  return {
    signal: controller.signal,
    onProgress: (value) => progress.push(value),
    log: (level, message) => logs.push(`${level} ${message}`),
    progress,
    logs,
    controller,
  };
}

/** Polls `condition` every 10 ms until it holds or the deadline passes. */
export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met before the deadline');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
