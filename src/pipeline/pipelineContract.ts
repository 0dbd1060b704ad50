import type { PipelineTaskType, StageSlice } from './stagePlan';

/** Orchestration input: everything else the activities read from the task tables. */
export interface PipelineInput {
  readonly taskId: string;
  readonly taskType: PipelineTaskType;
  /** Set by every submit since the diff stage exists; absent in the input of an orchestration started before. */
  readonly withDiff?: boolean;
}

/**
 * Expected, permanent outcomes travel as values: across the activity → orchestrator hop a thrown error becomes a
 * plain Error with a string message, so throwing is kept for faults worth retrying.
 */
export type ActivityOutcome<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly code: string; readonly message: string };

export interface StageActivityInput {
  readonly taskId: string;
  readonly slice: StageSlice;
  /** The previous stage's value (the download result for unzip), or null for the first stage. */
  readonly previous: unknown;
}

/**
 * What a stage activity hands on. `alreadyCurrent` (the installed bundle is the remote one) ends the pipeline early
 * with success, unless `analysisCurrent` is false: then only the analysis still runs.
 */
export interface StageValue {
  readonly alreadyCurrent?: boolean;
  readonly analysisCurrent?: boolean;
  readonly summary: string;
  readonly [key: string]: unknown;
}

export type TaskOutcome = 'success' | 'failed' | 'cancelled';

export interface FinishTaskInput {
  readonly taskId: string;
  readonly outcome: TaskOutcome;
  readonly message: string;
  readonly error: string | null;
}

/** The task as `finishTask` leaves it, whoever ended it; the orchestration's last custom status mirrors it. */
export interface EndedTask {
  readonly status: string;
  readonly stage: string | null;
  readonly progress: number;
}

export interface PipelineResult {
  readonly taskId: string;
  readonly outcome: TaskOutcome;
  readonly message: string;
}
