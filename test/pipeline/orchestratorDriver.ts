import type { OrchestrationContext, RetryOptions, Task } from 'durable-functions';
import { marketDataPipelineOrchestrator } from '../../src/pipeline/marketDataPipelineOrchestrator';
import type { PipelineInput, PipelineResult } from '../../src/pipeline/pipelineContract';

/** Answers one activity call: returns its result, or throws a fault. `attempt` counts from 1. */
export type ActivityStub = (input: unknown, attempt: number) => unknown;

export interface ActivityCall {
  readonly name: string;
  readonly input: unknown;
  readonly retry: { readonly maxNumberOfAttempts: number; readonly firstRetryIntervalInMilliseconds: number };
  /** How many times the driver ran the stub, as the SDK re-runs a failing activity within its retry options. */
  readonly attempts: number;
}

export interface OrchestratorRun {
  readonly result: PipelineResult;
  readonly calls: readonly ActivityCall[];
  /** Every custom status the orchestrator set, in order. */
  readonly statuses: readonly unknown[];
}

interface ScheduledCall {
  readonly name: string;
  readonly retry: RetryOptions;
  readonly input: unknown;
}

/** Inputs and results cross durable history as JSON, so the double passes them through it as well. */
const viaJson = (value: unknown): unknown => (value === undefined ? undefined : JSON.parse(JSON.stringify(value)));

/**
 * A double of the Durable SDK's side of the orchestrator: it steps the generator, answers each activity it yields
 * from `activities`, retries a throwing stub within the retry options the orchestrator passed, and throws what the
 * SDK throws once they are spent ("Activity function '<name>' failed: <message>" and the failure details).
 */
export function runOrchestrator(
  input: PipelineInput,
  activities: Readonly<Record<string, ActivityStub>>,
): OrchestratorRun {
  const calls: ActivityCall[] = [];
  const statuses: unknown[] = [];
  const context = {
    df: {
      isReplaying: false,
      getInput: () => viaJson(input),
      setCustomStatus: (status: unknown) => statuses.push(viaJson(status)),
      callActivityWithRetry: (name: string, retry: RetryOptions, activityInput?: unknown) =>
        ({ name, retry, input: activityInput }) satisfies ScheduledCall as unknown as Task,
    },
  } as unknown as OrchestrationContext;

  const generator = marketDataPipelineOrchestrator(context);
  let step = generator.next();
  while (step.done !== true) {
    const scheduled = step.value as unknown as ScheduledCall;
    const stub = activities[scheduled.name];
    if (stub === undefined)
      throw new Error(`the orchestrator called ${scheduled.name}, which this test does not answer`);
    const activityInput = viaJson(scheduled.input);
    let answer: { value: unknown } | { fault: unknown } = { fault: new Error('no attempt made') };
    let attempts = 0;
    while (attempts < scheduled.retry.maxNumberOfAttempts) {
      attempts += 1;
      try {
        answer = { value: viaJson(stub(activityInput, attempts)) };
        break;
      } catch (fault) {
        answer = { fault };
      }
    }
    calls.push({ name: scheduled.name, input: activityInput, retry: { ...scheduled.retry }, attempts });
    if ('value' in answer) {
      step = generator.next(answer.value);
    } else {
      const message = answer.fault instanceof Error ? answer.fault.message : String(answer.fault);
      const details = JSON.stringify({ Message: message });
      step = generator.throw(new Error(`Activity function '${scheduled.name}' failed: ${message} \n ${details}`));
    }
  }
  return { result: step.value, calls, statuses };
}
