import { stagePlan, type StageSlice } from '../../../src/pipeline/stagePlan';
import type { ObservedTask } from './taskDbProbe';

/** What the crash matrix can see of a running task without disturbing it (all reads are cheap and read-only). */
export interface CrashView {
  task(): ObservedTask | null;
  /** The bundle swap journal (`bundles/.swap.json`) exists: a swap or exchange of generations is under way. */
  swapInProgress(): boolean;
  /** Symbol rows the task's analysis has committed so far, while its run is still open. */
  analysisRowsWritten(): number;
  /** The task's log lines, oldest first. */
  logMessages(): string[];
}

/** A moment in a task's life at which the host is killed: once `reached` holds, after a seeded delay. */
export interface CrashPoint {
  readonly name: string;
  readonly taskType: 'download' | 'rollback';
  readonly reached: (view: CrashView) => boolean;
  /** The kill comes 0 … maxDelayMs after the moment is seen, so repeated trials spread over the window after it. */
  readonly maxDelayMs: number;
  /**
   * The moment is the swap journal's appearance, seen through a file-system watch: a swap of generations takes a
   * few milliseconds, which polling would mostly miss.
   */
  readonly onSwapJournal?: boolean;
}

function inStage(view: CrashView, stage: string): ObservedTask | null {
  const task = view.task();
  return task !== null && task.status === 'running' && task.stage === stage ? task : null;
}

/**
 * Three moments per stage of a task type, straight from its stage plan (so a new stage is covered by adding it to
 * the plan): as the stage starts, halfway through its slice of progress, and at the end of its slice, which is
 * between it and the next stage (or, for the last stage, just before the task row is finished).
 */
function stageMoments(taskType: 'download'): CrashPoint[] {
  const slices: readonly StageSlice[] = stagePlan(taskType);
  return slices.flatMap((slice, index) => {
    const next = slices[index + 1]?.stage ?? 'the end of the task';
    const halfway = slice.from + Math.ceil((slice.to - slice.from) / 2);
    return [
      {
        name: `${taskType}: ${slice.stage} starts`,
        taskType,
        maxDelayMs: 150,
        reached: (v) => !!inStage(v, slice.stage),
      },
      {
        name: `${taskType}: ${slice.stage} halfway`,
        taskType,
        maxDelayMs: 100,
        reached: (v) => (inStage(v, slice.stage)?.progress ?? -1) >= halfway,
      },
      {
        name: `${taskType}: between ${slice.stage} and ${next}`,
        taskType,
        maxDelayMs: 30,
        reached: (v) => (inStage(v, slice.stage)?.progress ?? -1) >= slice.to,
      },
    ];
  });
}

/** Every crash point of the matrix, in a fixed order (the seed picks where a run starts in it). */
export function crashPoints(): CrashPoint[] {
  return [
    ...stageMoments('download'),
    {
      name: 'download: swap of bundles/current',
      taskType: 'download',
      maxDelayMs: 15,
      reached: (v) => v.swapInProgress(),
    },
    {
      name: 'download: analysis result writes',
      taskType: 'download',
      maxDelayMs: 40,
      reached: (v) => v.analysisRowsWritten() > 0,
    },
    {
      name: 'download: just before the task row is finished',
      taskType: 'download',
      maxDelayMs: 5,
      reached: (v) => v.task()?.status === 'running' && v.logMessages().some((m) => /^Analysis run \d+ \(/.test(m)),
    },
    {
      name: 'download: just after the task row is finished',
      taskType: 'download',
      maxDelayMs: 10,
      reached: (v) => v.task()?.status === 'success',
    },
    // A rollback's exchange is journaled like an install's swap, and lasts a few renames and two fsyncs.
    {
      name: 'rollback: exchange of generations',
      taskType: 'rollback',
      maxDelayMs: 5,
      onSwapJournal: true,
      reached: (v) => v.swapInProgress(),
    },
    {
      name: 'rollback: analysis of the restored bundle',
      taskType: 'rollback',
      maxDelayMs: 100,
      reached: (v) => !!inStage(v, 'analyze'),
    },
  ];
}
