/** A slice of the task's single 0–100 progress scale owned by one stage. */
export interface StageSlice {
  readonly stage: 'download' | 'unzip' | 'analyze' | 'rollback';
  /** Progress when the stage starts. */
  readonly from: number;
  /** Progress when the stage ends; the last stage ends below 100, which only success reaches. */
  readonly to: number;
}

// Weights reflect typical wall time: the download dominates, unzip is fast, analysis is CPU-bound.
const plans = {
  download: [
    { stage: 'download', from: 0, to: 60 },
    { stage: 'unzip', from: 60, to: 75 },
    { stage: 'analyze', from: 75, to: 99 },
  ],
  analyze: [{ stage: 'analyze', from: 0, to: 99 }],
  // The exchange itself is a few renames; the analysis of the restored bundle is the real work.
  rollback: [
    { stage: 'rollback', from: 0, to: 10 },
    { stage: 'analyze', from: 10, to: 99 },
  ],
} as const satisfies Record<string, readonly StageSlice[]>;

export type PipelineTaskType = keyof typeof plans;

export function stagePlan(taskType: PipelineTaskType): readonly StageSlice[] {
  return plans[taskType];
}

/** Maps a stage's own done/total onto its slice; without a total it creeps towards the end but never reaches it. */
export function scaleProgress(slice: StageSlice, done: number, total: number | null): number {
  const span = slice.to - slice.from;
  const fraction = total !== null && total > 0 ? Math.min(1, done / total) : 1 - 1 / (1 + done / 50_000_000);
  return Math.min(slice.to, Math.floor(slice.from + span * fraction));
}
