import type { DownloadedFile } from '../stages/download/downloadOptions';
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

export type StageName = StageSlice['stage'];

/** A downloaded, verified archive waiting for the unzip stage. */
export interface DownloadedArchive extends DownloadedFile {
  readonly url: string;
}

/** The download fetched a new archive; the unzip stage installs it. */
export interface BundleDownloaded {
  readonly stage: 'download';
  readonly alreadyCurrent: false;
  readonly summary: string;
  readonly download: DownloadedArchive;
}

/**
 * The remote bundle is the installed one: the task ends here with success, unless `analysisCurrent` is false (an
 * earlier task installed it but its analysis failed or was cancelled); then only the analysis still runs.
 */
export interface BundleAlreadyCurrent {
  readonly stage: 'download';
  readonly alreadyCurrent: true;
  readonly analysisCurrent: boolean;
  readonly summary: string;
}

export type DownloadStageResult = BundleDownloaded | BundleAlreadyCurrent;

export interface UnzipStageResult {
  readonly stage: 'unzip';
  readonly summary: string;
}

export interface RollbackStageResult {
  readonly stage: 'rollback';
  readonly summary: string;
}

/** The diff of the install just made is recorded (or there was nothing to compare with); `summary` says what changed. */
export interface DiffStageResult {
  readonly stage: 'diff';
  readonly summary: string;
}

export interface AnalyzeStageResult {
  readonly stage: 'analyze';
  readonly summary: string;
  readonly runId: number;
}

/** What a stage activity hands on, tagged with its stage; `summary` is logged and may end the task. */
export type StageResult =
  DownloadStageResult | UnzipStageResult | RollbackStageResult | DiffStageResult | AnalyzeStageResult;

/** The result type of each stage's activity. */
export interface StageResultOf {
  readonly download: DownloadStageResult;
  readonly unzip: UnzipStageResult;
  readonly rollback: RollbackStageResult;
  readonly diff: DiffStageResult;
  readonly analyze: AnalyzeStageResult;
}

export interface StageActivityInput {
  readonly taskId: string;
  readonly slice: StageSlice;
  /** The result of the stage before (the download's for unzip), or null for the first stage. */
  readonly previous: StageResult | null;
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
