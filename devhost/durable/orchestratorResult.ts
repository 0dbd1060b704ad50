// Reads what the durable-functions orchestrator handler produced: an OrchestratorState, or an
// OrchestrationFailureError whose message carries the state after "$OutOfProcData$:".

export interface OrchestratorOutcome {
  isDone: boolean;
  actions: unknown[];
  output: unknown;
  hasCustomStatus: boolean;
  customStatus: unknown;
  /** The user's error message when the orchestrator threw. */
  error?: string;
}

const marker = '$OutOfProcData$:';

function fromState(state: unknown): OrchestratorOutcome {
  const record = typeof state === 'object' && state !== null ? (state as Record<string, unknown>) : {};
  const actions = Array.isArray(record.actions) ? (record.actions as unknown[]) : [];
  // Schema V2+ has one inner array; V1 has one per yield. Either way the flattened order is the creation order.
  const flat = actions.flatMap((inner) => (Array.isArray(inner) ? (inner as unknown[]) : [inner]));
  const outcome: OrchestratorOutcome = {
    isDone: record.isDone === true,
    actions: flat,
    output: record.output,
    hasCustomStatus: 'customStatus' in record,
    customStatus: record.customStatus,
  };
  if (typeof record.error === 'string') outcome.error = record.error;
  return outcome;
}

export function readOrchestratorResult(value: unknown): OrchestratorOutcome {
  return fromState(value);
}

export function readOrchestratorError(error: unknown): OrchestratorOutcome {
  const message = error instanceof Error ? error.message : String(error);
  const at = message.indexOf(marker);
  if (at >= 0) {
    try {
      const outcome = fromState(JSON.parse(message.slice(at + marker.length)));
      outcome.error ??= message.slice(0, at).trim();
      return outcome;
    } catch {
      // Fall through: treat the whole message as the error.
    }
  }
  return {
    isDone: false,
    actions: [],
    output: undefined,
    hasCustomStatus: false,
    customStatus: undefined,
    error: message,
  };
}
