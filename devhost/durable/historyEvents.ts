// DurableTask.Core history events as the durable-functions SDK reads them: PascalCase fields,
// numeric EventType, JSON text in Input/Result.

export const EventType = {
  ExecutionStarted: 0,
  ExecutionCompleted: 1,
  ExecutionTerminated: 3,
  TaskScheduled: 4,
  TaskCompleted: 5,
  TaskFailed: 6,
  SubOrchestrationInstanceCreated: 7,
  SubOrchestrationInstanceCompleted: 8,
  SubOrchestrationInstanceFailed: 9,
  TimerCreated: 10,
  TimerFired: 11,
  OrchestratorStarted: 12,
  OrchestratorCompleted: 13,
  EventSent: 14,
  EventRaised: 15,
  ExecutionSuspended: 19,
  ExecutionResumed: 20,
} as const;

export const eventTypeNames: Readonly<Record<number, string>> = Object.fromEntries(
  Object.entries(EventType).map(([name, value]) => [value, name]),
);

export interface HistoryEvent {
  EventType: number;
  EventId: number;
  IsPlayed: boolean;
  Timestamp: string;
  [field: string]: unknown;
}

/** Builds an event; `EventId` is -1 unless the event schedules something (then it is the sequence id). */
export function createEvent(type: number, timestamp: string, fields: Record<string, unknown> = {}): HistoryEvent {
  return { EventType: type, EventId: -1, IsPlayed: false, Timestamp: timestamp, ...fields };
}

/** Orchestration runtime statuses with their C# enum numbers (used in ExecutionCompleted.OrchestrationStatus). */
export const RuntimeStatus = {
  Running: 0,
  Completed: 1,
  ContinuedAsNew: 2,
  Failed: 3,
  Canceled: 4,
  Terminated: 5,
  Pending: 6,
  Suspended: 7,
} as const;

export type RuntimeStatusName = keyof typeof RuntimeStatus;

export const runtimeStatusNames = Object.keys(RuntimeStatus) as RuntimeStatusName[];

/**
 * States in which an instance still owns its id: under the extension's default overridableExistingInstanceStates
 * (NonRunningStates), starting the same id again fails while the instance is in one of them.
 */
export const activeStatuses: ReadonlySet<string> = new Set(['Pending', 'Running', 'ContinuedAsNew', 'Suspended']);

/** Serialises a value the way the real pipeline does: undefined becomes null, the result is always JSON text. */
export function toJsonText(value: unknown): string {
  return JSON.stringify(value ?? null) ?? 'null';
}

/** Parses stored JSON text; text that is not JSON (a terminate reason, say) is returned as the raw string. */
export function parseJsonText(text: string | null | undefined): unknown {
  if (text === null || text === undefined) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
