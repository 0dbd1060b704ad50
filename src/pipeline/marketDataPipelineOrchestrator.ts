import * as df from 'durable-functions';
import type { OrchestrationContext, Task } from 'durable-functions';
import { PipelineName } from './pipelineNames';
import type {
  ActivityOutcome,
  EndedTask,
  FinishTaskInput,
  PipelineInput,
  PipelineResult,
  StageActivityInput,
  StageResult,
  TaskOutcome,
} from './pipelineContract';
import { readStageResult, type UntaggedStageResult } from './readStageResult';
import { stagePlan } from './stagePlan';

const stageActivity = {
  download: PipelineName.downloadBundle,
  unzip: PipelineName.unzipBundle,
  analyze: PipelineName.analyzeBundle,
  rollback: PipelineName.rollbackBundle,
  diff: PipelineName.diffBundle,
} as const;

/** Faults (a thrown activity) get two more tries with backoff; expected failures come back as values. */
const FAULT_RETRY = { firstRetryIntervalMs: 2_000, maxAttempts: 3, backoffCoefficient: 2 } as const;

function faultRetry(): df.RetryOptions {
  const retry = new df.RetryOptions(FAULT_RETRY.firstRetryIntervalMs, FAULT_RETRY.maxAttempts);
  retry.backoffCoefficient = FAULT_RETRY.backoffCoefficient;
  return retry;
}

/** The activity's own message: without the SDK's "Activity function ... failed:" prefix and any stack details. */
function describeFault(stage: string, error: unknown): string {
  const raw = error instanceof Error ? error.message : String(error);
  const text =
    raw
      // Spaces only: an empty message must not pull the failure details up from the next line.
      .replace(/^Activity function '[^']*' failed:[ \t]*/, '')
      .split('\n')[0]
      ?.trim() ?? '';
  return `${stage} failed after ${FAULT_RETRY.maxAttempts} attempts: ${text === '' ? 'unknown error' : text}`;
}

/**
 * The pipeline of one task, deterministic by construction: it decides on activity results only, takes no time,
 * randomness or I/O of its own, and keeps its custom status in step with the task row.
 */
export function* marketDataPipelineOrchestrator(
  context: OrchestrationContext,
): Generator<Task, PipelineResult, unknown> {
  const input = context.df.getInput<PipelineInput>();
  const { taskId } = input;

  function* finish(outcome: TaskOutcome, message: string, error: string | null): Generator<Task, PipelineResult> {
    const finishInput: FinishTaskInput = { taskId, outcome, message, error };
    const ended = (yield context.df.callActivityWithRetry(
      PipelineName.finishTask,
      faultRetry(),
      finishInput,
    )) as EndedTask | null;
    // The task row is the truth: it may have been ended elsewhere. Older histories hold null here.
    context.df.setCustomStatus({
      task_id: taskId,
      stage: ended?.stage ?? null,
      progress: ended?.progress ?? (outcome === 'success' ? 100 : null),
      outcome: ended?.status ?? outcome,
    });
    return { taskId, outcome, message };
  }

  context.df.setCustomStatus({ task_id: taskId, stage: null, progress: 0 });
  let begun: ActivityOutcome<null>;
  try {
    begun = (yield context.df.callActivityWithRetry(PipelineName.beginTask, faultRetry(), {
      taskId,
    })) as ActivityOutcome<null>;
  } catch (error) {
    return yield* finish('failed', 'Task could not start', describeFault('start', error));
  }
  if (!begun.ok) {
    const outcome = begun.code === 'CANCELLED' ? 'cancelled' : 'failed';
    return yield* finish(outcome, begun.message, outcome === 'failed' ? begun.message : null);
  }

  let previous: StageResult | null = null;
  for (const slice of stagePlan(input.taskType, { withDiff: input.withDiff === true })) {
    // A bundle that is already installed skips its install and the diff of that install, not its pending analysis.
    const installSkipped = previous?.stage === 'download' && previous.alreadyCurrent;
    if (installSkipped && (slice.stage === 'unzip' || slice.stage === 'diff')) continue;
    context.df.setCustomStatus({ task_id: taskId, stage: slice.stage, progress: slice.from });
    const stageInput: StageActivityInput = { taskId, slice, previous };
    let outcome: ActivityOutcome<StageResult | UntaggedStageResult>;
    try {
      outcome = (yield context.df.callActivityWithRetry(
        stageActivity[slice.stage],
        faultRetry(),
        stageInput,
      )) as ActivityOutcome<StageResult | UntaggedStageResult>;
    } catch (error) {
      return yield* finish('failed', `${slice.stage} failed`, describeFault(slice.stage, error));
    }
    if (!outcome.ok) {
      if (outcome.code === 'CANCELLED') return yield* finish('cancelled', `Cancelled during ${slice.stage}`, null);
      return yield* finish('failed', `${slice.stage} failed`, outcome.message);
    }
    const result = readStageResult(slice.stage, outcome.value);
    if (result.stage === 'download' && result.alreadyCurrent && result.analysisCurrent) {
      return yield* finish('success', result.summary, null);
    }
    previous = result;
  }
  return yield* finish('success', previous?.summary ?? 'Done', null);
}
