// What the HTTP API needs from the running engine.
import type { DurableStore, StartOutcome } from './createDurableStore';
import type { HistoryEvent } from './historyEvents';
import type { DurableFunctionInvoker } from './types';

export interface EngineCore {
  hub: string;
  invoker: DurableFunctionInvoker;
  now: () => Date;
  /** The open store; throws when the engine is not started. */
  store: () => DurableStore;
  /** Atomically creates (or replaces, per overridableExistingInstanceStates) an instance and schedules it. */
  startInstance: (request: { name: string; instanceId: string; input: string; version: string }) => StartOutcome;
  /** Queues a message for the instance's current execution and wakes it. */
  sendToInstance: (instanceId: string, event: HistoryEvent) => void;
}
