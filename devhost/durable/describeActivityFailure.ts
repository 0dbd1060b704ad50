// Turns an activity's thrown value into TaskFailed fields as the extension writes them: Reason "Activity function
// '<name>' failed: <message>", Details as JSON text, and FailureDetails when the SDK's wrapActivityHandler put its
// error JSON in the message. Details carry the message only: failed-instance output reaches HTTP clients, so stack
// traces stay out of it.
import { EventType, createEvent, type HistoryEvent } from './historyEvents';

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** With an exception-properties provider, wrapActivityHandler replaces the message by this JSON. */
function readFailureJson(message: string): Record<string, unknown> | undefined {
  if (!message.startsWith('{"errorType"')) return undefined;
  try {
    const parsed = JSON.parse(message) as unknown;
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export function describeTaskFailure(
  kind: 'Activity' | 'Orchestrator',
  name: string,
  error: unknown,
): { Reason: string; Details: string; FailureDetails: Record<string, unknown> | null } {
  const message = messageOf(error);
  const failure = readFailureJson(message);
  if (failure === undefined) {
    return {
      Reason: `${kind} function '${name}' failed: ${message}`,
      Details: JSON.stringify({ Message: message }),
      FailureDetails: null,
    };
  }
  const errorMessage = typeof failure.errorMessage === 'string' ? failure.errorMessage : message;
  return {
    Reason: `${kind} function '${name}' failed: ${errorMessage}`,
    Details: JSON.stringify({ Message: errorMessage }),
    FailureDetails: {
      ErrorType: typeof failure.errorType === 'string' ? failure.errorType : 'Error',
      ErrorMessage: errorMessage,
      StackTrace: typeof failure.stackTrace === 'string' ? failure.stackTrace : undefined,
      IsNonRetriable: failure.isNonRetriable === true,
      Properties: failure.properties ?? undefined,
    },
  };
}

export function createActivityFailedEvent(
  timestamp: string,
  taskId: number,
  name: string,
  error: unknown,
): HistoryEvent {
  return createEvent(EventType.TaskFailed, timestamp, {
    TaskScheduledId: taskId,
    ...describeTaskFailure('Activity', name, error),
  });
}
