import type { DownloadedArchive, StageName, StageResult } from './pipelineContract';

/**
 * A stage result as versions before the stage tag recorded it: the same fields without `stage` (and, for an
 * already-current download, without `alreadyCurrent: false` on a fresh one).
 */
export type UntaggedStageResult =
  | { readonly summary: string; readonly alreadyCurrent: true; readonly analysisCurrent?: boolean }
  | { readonly summary: string; readonly download: DownloadedArchive }
  | { readonly summary: string; readonly runId: number }
  | { readonly summary: string };

/**
 * A stage's result as durable history holds it. Results are history: after an upgrade, the instance in flight (the
 * singleton may be mid-task during a deployment) replays the results older code recorded, and an activity it had
 * scheduled may run on the new code with an older `previous`. Those untagged values are read here, by the stage
 * that produced them, so the rest of the pipeline sees only tagged results.
 */
export function readStageResult(stage: StageName, recorded: StageResult | UntaggedStageResult): StageResult {
  if ('stage' in recorded) return recorded;
  const { summary } = recorded;
  switch (stage) {
    case 'download':
      if ('download' in recorded) return { stage, alreadyCurrent: false, summary, download: recorded.download };
      // The oldest versions had no analysisCurrent flag: an already-current bundle ended the task.
      return {
        stage,
        alreadyCurrent: true,
        analysisCurrent: 'analysisCurrent' in recorded ? recorded.analysisCurrent !== false : true,
        summary,
      };
    case 'analyze':
      return { stage, summary, runId: 'runId' in recorded ? recorded.runId : 0 };
    // Diff results were tagged from the start; 'diff' is here to keep the switch whole.
    case 'unzip':
    case 'rollback':
    case 'diff':
      return { stage, summary };
  }
}
