import type { StageEstimate, Task } from './apiTypes.js';

/**
 * Seconds left for an active task, from the median durations of past runs of the same stages: the unfinished share
 * of the current stage plus every later stage. Null when a stage still to run has no past run to learn from.
 */
export function estimateSecondsLeft(task: Task, plan: readonly StageEstimate[]): number | null {
  if (task.status !== 'pending' && task.status !== 'running') return null;
  const current = task.stage === null ? 0 : plan.findIndex((slice) => slice.stage === task.stage);
  if (current === -1) return null;
  let seconds = 0;
  for (let index = current; index < plan.length; index += 1) {
    const slice = plan[index]!;
    if (slice.median_seconds === null) return null;
    const span = slice.to - slice.from;
    const done = index === current && span > 0 ? Math.min(1, Math.max(0, (task.progress - slice.from) / span)) : 0;
    seconds += slice.median_seconds * (1 - done);
  }
  return seconds;
}
