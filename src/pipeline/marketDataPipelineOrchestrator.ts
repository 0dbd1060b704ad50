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
  StageValue,
  TaskOutcome,
} from './pipelineContract';
import { stagePlan } from './stagePlan';

const stageActivity = {
  download: PipelineName.downloadBundle,
  unzip: PipelineName.unzipBundle,
  analyze: PipelineName.analyzeBundle,
  rollback: PipelineName.rollbackBundle,
  diff: PipelineName.diffBundle,
} as const;

/** Faults (a thrown activity) get two more tries with backoff; expected failures come back as values. */
function faultRetry(): df.RetryOptions {
  const retry = new df.RetryOptions(2_000, 3);
  retry.backoffCoefficient = 2;
  return retry;
}

/** The activity's own message: without the SDK's "Activity function ... failed:" prefix and any stack details. */
function describeFault(stage: string, error: unknown): string {
  const raw = error instanceof Error ? error.message : String(error);
  const text =
    raw
      .replace(/^Activity function '[^']*' failed:\s*/, '')
      .split('\n')[0]
      ?.trim() ?? '';
  return `${stage} failed after 3 attempts: ${text === '' ? 'unknown error' : text}`;
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

  let previous: unknown = null;
  let alreadyInstalled = false;
  for (const slice of stagePlan(input.taskType, { withDiff: input.withDiff === true })) {
    // The installed bundle is the remote one: nothing to install, so nothing to compare either.
    if (alreadyInstalled && (slice.stage === 'unzip' || slice.stage === 'diff')) continue;
    context.df.setCustomStatus({ task_id: taskId, stage: slice.stage, progress: slice.from });
    const stageInput: StageActivityInput = { taskId, slice, previous };
    let result: ActivityOutcome<StageValue>;
    try {
      result = (yield context.df.callActivityWithRetry(
        stageActivity[slice.stage],
        faultRetry(),
        stageInput,
      )) as ActivityOutcome<StageValue>;
    } catch (error) {
      return yield* finish('failed', `${slice.stage} failed`, describeFault(slice.stage, error));
    }
    if (!result.ok) {
      if (result.code === 'CANCELLED') return yield* finish('cancelled', `Cancelled during ${slice.stage}`, null);
      return yield* finish('failed', `${slice.stage} failed`, result.message);
    }
    if (result.value.alreadyCurrent === true) {
      if (result.value.analysisCurrent !== false) return yield* finish('success', result.value.summary, null);
      alreadyInstalled = true;
    }
    previous = result.value;
  }
  const summary = previous !== null && typeof previous === 'object' ? (previous as StageValue).summary : 'Done';
  return yield* finish('success', summary, null);
}
