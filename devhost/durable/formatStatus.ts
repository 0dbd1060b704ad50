// The status JSON of GET instances/{id} and of list items, with the fields the SDK's getStatus requires (input and
// output present even when null).
import type { InstanceRow } from './createDurableStore';
import { EventType, eventTypeNames, parseJsonText, runtimeStatusNames, type HistoryEvent } from './historyEvents';

export interface StatusOptions {
  showInput: boolean;
  showHistory: boolean;
  showHistoryOutput: boolean;
}

/** UTC with second precision, as the extension prints it. */
export const formatTime = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export function formatStatus(
  row: InstanceRow,
  options: StatusOptions,
  history?: readonly HistoryEvent[],
): Record<string, unknown> {
  const status: Record<string, unknown> = {
    name: row.name,
    instanceId: row.instance_id,
    runtimeStatus: row.status,
    input: options.showInput ? parseJsonText(row.input) : null,
    customStatus: parseJsonText(row.custom_status),
    output: parseJsonText(row.output),
    createdTime: formatTime(row.created_ms),
    lastUpdatedTime: formatTime(row.updated_ms),
  };
  if (options.showHistory && history !== undefined && row.status !== 'Pending') {
    status.historyEvents = formatHistory(history, options);
  }
  return status;
}

const completionTypes: ReadonlySet<number> = new Set([
  EventType.TaskCompleted,
  EventType.TaskFailed,
  EventType.SubOrchestrationInstanceCompleted,
  EventType.SubOrchestrationInstanceFailed,
]);

function formatHistory(history: readonly HistoryEvent[], options: StatusOptions): Record<string, unknown>[] {
  const scheduledById = new Map<number, HistoryEvent>();
  const matched = new Set<number>();
  for (const event of history) {
    if (event.EventType === EventType.TaskScheduled || event.EventType === EventType.SubOrchestrationInstanceCreated) {
      scheduledById.set(event.EventId, event);
    } else if (completionTypes.has(event.EventType)) {
      matched.add(Number(event.TaskScheduledId));
    }
  }
  const out: Record<string, unknown>[] = [];
  for (const event of history) {
    const type = event.EventType;
    if (type === EventType.OrchestratorStarted || type === EventType.OrchestratorCompleted) continue;
    const scheduling = type === EventType.TaskScheduled || type === EventType.SubOrchestrationInstanceCreated;
    if (scheduling && matched.has(event.EventId)) continue;
    const { EventType: _type, EventId: _id, IsPlayed: _played, ...fields } = event;
    const item: Record<string, unknown> = { EventType: eventTypeNames[type] ?? String(type), ...fields };
    if (type === EventType.ExecutionStarted) {
      item.FunctionName = item.Name;
      for (const key of ['Name', 'OrchestrationInstance', 'ParentInstance', 'Version', 'Tags']) delete item[key];
    }
    if (completionTypes.has(type)) {
      const source = scheduledById.get(Number(event.TaskScheduledId));
      item.FunctionName = source?.Name;
      item.ScheduledTime = source?.Timestamp;
      if (options.showInput && source !== undefined) item.Input = source.Input;
      delete item.TaskScheduledId;
    }
    if (type === EventType.ExecutionCompleted) {
      item.OrchestrationStatus = runtimeStatusNames[Number(event.OrchestrationStatus)] ?? event.OrchestrationStatus;
    }
    if (type === EventType.TimerFired) delete item.TimerId;
    if ('Result' in item) {
      if (options.showHistoryOutput) item.Result = parseJsonText(item.Result as string);
      else delete item.Result;
    }
    if ('Input' in item) {
      if (options.showInput) item.Input = parseJsonText(item.Input as string);
      else delete item.Input;
    }
    out.push(item);
  }
  return out;
}
