/** A slice of the task's single 0–100 progress scale owned by one stage. */
export interface StageSlice {
  readonly stage: 'download' | 'unzip' | 'rollback' | 'diff' | 'analyze';
  /** Progress when the stage starts. */
  readonly from: number;
  /** Progress when the stage ends; the last stage ends below 100, which only success reaches. */
  readonly to: number;
}

// Weights reflect typical wall time: the download dominates, unzip is fast, the diff takes about half the analysis,
// which is CPU-bound.
const plans = {
  download: [
    { stage: 'download', from: 0, to: 55 },
    { stage: 'unzip', from: 55, to: 68 },
    { stage: 'diff', from: 68, to: 78 },
    { stage: 'analyze', from: 78, to: 99 },
  ],
  analyze: [{ stage: 'analyze', from: 0, to: 99 }],
  // The exchange itself is a few renames; the diff and the analysis of the restored bundle are the real work.
  rollback: [
    { stage: 'rollback', from: 0, to: 5 },
    { stage: 'diff', from: 5, to: 40 },
    { stage: 'analyze', from: 40, to: 99 },
  ],
} as const satisfies Record<string, readonly StageSlice[]>;

// The plans of tasks started before the diff stage existed: an orchestration replays its history against the plan it
// started with, so a task in flight across an upgrade keeps it.
const plansWithoutDiff = {
  download: [
    { stage: 'download', from: 0, to: 60 },
    { stage: 'unzip', from: 60, to: 75 },
    { stage: 'analyze', from: 75, to: 99 },
  ],
  analyze: plans.analyze,
  rollback: [
    { stage: 'rollback', from: 0, to: 10 },
    { stage: 'analyze', from: 10, to: 99 },
  ],
} as const satisfies Record<PipelineTaskType, readonly StageSlice[]>;

export type PipelineTaskType = keyof typeof plans;

/** The stages of a task type and their slices; `withDiff: false` for an orchestration started before the diff stage. */
export function stagePlan(taskType: PipelineTaskType, options: { withDiff?: boolean } = {}): readonly StageSlice[] {
  return options.withDiff === false ? plansWithoutDiff[taskType] : plans[taskType];
}

/** Maps a stage's own done/total onto its slice; without a total it creeps towards the end but never reaches it. */
export function scaleProgress(slice: StageSlice, done: number, total: number | null): number {
  const span = slice.to - slice.from;
  const fraction = total !== null && total > 0 ? Math.min(1, done / total) : 1 - 1 / (1 + done / 50_000_000);
  return Math.min(slice.to, Math.floor(slice.from + span * fraction));
}
