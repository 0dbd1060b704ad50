import type { DurableClient } from 'durable-functions';
import { ClientMessage } from '../clientMessages';
import { AppError, ErrorCode } from '../errors';
import type { PipelineInput } from './pipelineContract';
import { PIPELINE_INSTANCE_ID, PipelineName } from './pipelineNames';

/** The singleton instance as the task layer needs to see it. */
export interface PipelineInstance {
  /** Durable runtime status name: Pending, Running, Suspended, Completed, Failed, Terminated, ... */
  readonly runtimeStatus: string;
  /** The task the instance runs (from its input), or null when the input is not ours. */
  readonly taskId: string | null;
}

/** Starting and inspecting the singleton orchestration, over the durable client. */
export interface PipelineControl {
  /** Starts the singleton; fails with TASK_RUNNING while the instance is still Pending, Running or Suspended. */
  startPipeline(input: PipelineInput): Promise<void>;
  /** The instance, or null when it does not exist. */
  getPipeline(): Promise<PipelineInstance | null>;
  /** The durable management URLs of the instance (they carry the system key on Azure: admin only). */
  managementUrls(): Record<string, string>;
}

const LIVE_STATUSES: ReadonlySet<string> = new Set(['Pending', 'Running', 'Suspended', 'ContinuedAsNew']);

export function isLivePipelineStatus(runtimeStatus: string): boolean {
  return LIVE_STATUSES.has(runtimeStatus);
}

function taskIdOf(input: unknown): string | null {
  if (input !== null && typeof input === 'object' && typeof (input as { taskId?: unknown }).taskId === 'string') {
    return (input as { taskId: string }).taskId;
  }
  return null;
}

/**
 * Takes the durable client, or a function that makes it: building a client costs more than a whole task read, so an
 * HTTP read passes `() => df.getClient(context)` and the client is made only if a lookup is needed.
 */
export function createPipelineControl(source: DurableClient | (() => DurableClient)): PipelineControl {
  let made: DurableClient | undefined;
  const client = (): DurableClient => (made ??= typeof source === 'function' ? source() : source);

  async function getPipeline(): Promise<PipelineInstance | null> {
    try {
      const status = await client().getStatus(PIPELINE_INSTANCE_ID, { showInput: true });
      return { runtimeStatus: String(status.runtimeStatus), taskId: taskIdOf(status.input) };
    } catch (error) {
      // The client reports an unknown instance as an error mentioning the 404 it received.
      if (error instanceof Error && /HTTP 404/.test(error.message)) return null;
      throw error;
    }
  }

  return {
    async startPipeline(input) {
      try {
        await client().startNew(PipelineName.orchestrator, { instanceId: PIPELINE_INSTANCE_ID, input });
      } catch (error) {
        const current = await getPipeline().catch(() => null);
        if (current !== null && isLivePipelineStatus(current.runtimeStatus)) {
          throw new AppError(ErrorCode.TaskRunning, ClientMessage.taskRunning, {
            cause: error,
            details: { pipeline_status: current.runtimeStatus },
          });
        }
        throw error;
      }
    },
    getPipeline,
    managementUrls() {
      return { ...client().createHttpManagementPayload(PIPELINE_INSTANCE_ID) };
    },
  };
}
