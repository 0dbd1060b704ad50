// Host-side replay of the orchestrator's cumulative action list against its history: assigns sequence ids in the
// order the SDK does (one counter per execution, a number for each task when the SDK starts tracking it, retry
// timers and next attempts included), finds the decisions that are new in this episode, realises retries as
// DurableTask.Core does (a timer after every failed attempt) and detects non-deterministic replays.
import { EventType, createEvent, toJsonText, type HistoryEvent } from './historyEvents';

export interface ScheduledActivity {
  taskId: number;
  name: string;
  input: unknown;
}

export interface ScheduledTimer {
  timerId: number;
  fireAt: string;
}

export interface ScheduledSubOrchestration {
  taskId: number;
  name: string;
  instanceId: string;
  input: unknown;
  version: string;
}

export interface ReplayResult {
  /** New scheduling events (TaskScheduled, TimerCreated, SubOrchestrationInstanceCreated) in id order. */
  decisions: HistoryEvent[];
  activities: ScheduledActivity[];
  timers: ScheduledTimer[];
  subOrchestrations: ScheduledSubOrchestration[];
  canceledTimerIds: number[];
  /** Present when the orchestrator called continueAsNew; `input` is the action's input as emitted. */
  continueAsNew?: { input: unknown };
  /** EventRaised events nobody waited for (carried over by continueAsNew). */
  unconsumedEvents: HistoryEvent[];
  /** Non-determinism or an unsupported action: the instance must fail with this message. */
  error?: string;
}

export interface ReplayClock {
  executionId: string;
  nowIso: string;
  nowMs: number;
}

const ActionType = {
  CallActivity: 0,
  CallActivityWithRetry: 1,
  CallSubOrchestrator: 2,
  CallSubOrchestratorWithRetry: 3,
  ContinueAsNew: 4,
  CreateTimer: 5,
  WaitForExternalEvent: 6,
  CallEntity: 7,
  CallHttp: 8,
  SignalEntity: 9,
  WhenAny: 11,
  WhenAll: 12,
  LockEntities: 13,
  ReleaseEntities: 14,
} as const;

const unsupportedActions: Readonly<Record<number, string>> = {
  [ActionType.CallEntity]: 'callEntity (durable entities)',
  [ActionType.SignalEntity]: 'signalEntity (durable entities)',
  [ActionType.LockEntities]: 'lock (durable entities)',
  [ActionType.ReleaseEntities]: 'entity locks',
  [ActionType.CallHttp]: 'callHttp',
};

const sixDaysMs = 6 * 24 * 3600 * 1000;

class HostTask {
  done = false;
  failed = false;
  private callbacks: (() => void)[] = [];

  finish(failed: boolean): void {
    if (this.done) return;
    this.done = true;
    this.failed = failed;
    const callbacks = this.callbacks;
    this.callbacks = [];
    for (const callback of callbacks) callback();
  }

  onDone(callback: () => void): void {
    if (this.done) callback();
    else this.callbacks.push(callback);
  }
}

type Action = Record<string, unknown>;

function asAction(value: unknown): Action {
  return typeof value === 'object' && value !== null ? (value as Action) : {};
}

function describeScheduling(event: { EventType: number; Name?: unknown }): string {
  switch (event.EventType) {
    case EventType.TaskScheduled:
      return `activity '${String(event.Name)}'`;
    case EventType.SubOrchestrationInstanceCreated:
      return `sub-orchestration '${String(event.Name)}'`;
    case EventType.TimerCreated:
      return 'a durable timer';
    default:
      return `an event of type ${event.EventType}`;
  }
}

/** Activity input as the activity receives it: the SDK JSON-encodes string inputs once more, so they are decoded. */
export function toActivityInput(input: unknown): unknown {
  if (typeof input !== 'string') return input;
  try {
    return JSON.parse(input) as unknown;
  } catch {
    return input;
  }
}

export function replayActions(
  actions: readonly unknown[],
  history: readonly HistoryEvent[],
  clock: ReplayClock,
): ReplayResult {
  const result: ReplayResult = {
    decisions: [],
    activities: [],
    timers: [],
    subOrchestrations: [],
    canceledTimerIds: [],
    unconsumedEvents: [],
  };
  const scheduled = new Map<number, HistoryEvent>();
  for (const event of history) {
    if (
      event.EventType === EventType.TaskScheduled ||
      event.EventType === EventType.TimerCreated ||
      event.EventType === EventType.SubOrchestrationInstanceCreated ||
      event.EventType === EventType.EventSent
    ) {
      scheduled.set(event.EventId, event);
    }
  }
  let sequence = 0;
  const open = new Map<number, { task: HostTask }>();
  const deferred = new Map<number, HistoryEvent[]>();
  const waiters = new Map<string, HostTask[]>();
  const buffered = new Map<string, HistoryEvent[]>();
  const byAction = new Map<object, HostTask>();

  const fail = (message: string): void => {
    result.error ??= message;
  };

  const completeTask = (id: number, event: HistoryEvent): void => {
    const entry = open.get(id);
    if (entry === undefined) {
      const queue = deferred.get(id) ?? [];
      queue.push(event);
      deferred.set(id, queue);
      return;
    }
    open.delete(id);
    const failed =
      event.EventType === EventType.TaskFailed || event.EventType === EventType.SubOrchestrationInstanceFailed;
    entry.task.finish(failed);
  };

  /** Allocates the next sequence id; builds the scheduling event only if history does not already hold it. */
  const allocate = (expected: HistoryEvent, onNew: (id: number) => void): HostTask => {
    const id = sequence++;
    const existing = scheduled.get(id);
    if (existing === undefined) {
      const decision = { ...expected, EventId: id };
      result.decisions.push(decision);
      scheduled.set(id, decision);
      onNew(id);
    } else if (
      existing.EventType !== expected.EventType ||
      (expected.Name !== undefined && existing.Name !== expected.Name)
    ) {
      fail(
        `Non-deterministic workflow detected: a previous execution of this orchestration scheduled ` +
          `${describeScheduling(existing)} with sequence ID ${id}, but the replay scheduled ` +
          `${describeScheduling(expected)} instead. Was the orchestrator code changed while the instance was running?`,
      );
    }
    const task = new HostTask();
    open.set(id, { task });
    const queue = deferred.get(id);
    const early = queue?.shift();
    if (queue !== undefined && queue.length === 0) deferred.delete(id);
    if (early !== undefined) completeTask(id, early);
    return task;
  };

  const allocateTimer = (fireAt: string, canceled: boolean): HostTask => {
    const timerId = sequence;
    const task = allocate(createEvent(EventType.TimerCreated, clock.nowIso, { FireAt: fireAt }), (id) => {
      result.timers.push({ timerId: id, fireAt });
    });
    if (canceled) result.canceledTimerIds.push(timerId);
    return task;
  };

  const allocateActivity = (action: Action): HostTask => {
    const name = String(action.functionName);
    const scheduling = createEvent(EventType.TaskScheduled, clock.nowIso, {
      Name: name,
      Version: '',
      Input: JSON.stringify([action.input ?? null]),
    });
    return allocate(scheduling, (id) => {
      result.activities.push({ taskId: id, name, input: toActivityInput(action.input) });
    });
  };

  const allocateSubOrchestration = (action: Action): HostTask => {
    const name = String(action.functionName);
    const version = typeof action.version === 'string' ? action.version : '';
    const scheduling = createEvent(EventType.SubOrchestrationInstanceCreated, clock.nowIso, {
      Name: name,
      Version: version,
      Input: toJsonText(action.input),
    });
    return allocate(scheduling, (id) => {
      const instanceId =
        typeof action.instanceId === 'string' && action.instanceId !== ''
          ? action.instanceId
          : `${clock.executionId}:${id}`;
      scheduling.InstanceId = instanceId;
      const decision = result.decisions[result.decisions.length - 1];
      if (decision !== undefined) decision.InstanceId = instanceId;
      result.subOrchestrations.push({ taskId: id, name, instanceId, input: action.input, version });
    });
  };

  const withRetry = (action: Action, attemptOnce: () => HostTask): HostTask => {
    const options = asAction(action.retryOptions);
    const first = Number(options.firstRetryIntervalInMilliseconds) || 0;
    const maxAttempts = Number(options.maxNumberOfAttempts) || 1;
    const backoff = Number(options.backoffCoefficient ?? 1) || 1;
    const maxInterval =
      Number(options.maxRetryIntervalInMilliseconds) > 0 ? Number(options.maxRetryIntervalInMilliseconds) : sixDaysMs;
    const outer = new HostTask();
    let attempt = 1;
    const run = (): void => {
      const current = attemptOnce();
      current.onDone(() => {
        if (!current.failed) {
          outer.finish(false);
          return;
        }
        // DurableTask.Core creates the retry timer after every failed attempt, including the last one: the SDK reports
        // the failure only when that timer fires, so without it the orchestration would hang.
        const delay = Math.min(first * backoff ** (attempt - 1), maxInterval);
        attempt++;
        const timer = allocateTimer(new Date(clock.nowMs + delay).toISOString(), false);
        timer.onDone(() => {
          if (attempt > maxAttempts) outer.finish(true);
          else run();
        });
      });
    };
    run();
    return outer;
  };

  const invoke = (value: unknown): HostTask => {
    const action = asAction(value);
    const known = byAction.get(action);
    if (known !== undefined) return known;
    let task: HostTask;
    const type = Number(action.actionType);
    switch (type) {
      case ActionType.CallActivity:
        task = allocateActivity(action);
        break;
      case ActionType.CallActivityWithRetry:
        task = withRetry(action, () => allocateActivity(action));
        break;
      case ActionType.CallSubOrchestrator:
        task = allocateSubOrchestration(action);
        break;
      case ActionType.CallSubOrchestratorWithRetry:
        task = withRetry(action, () => allocateSubOrchestration(action));
        break;
      case ActionType.ContinueAsNew:
        result.continueAsNew = { input: action.input };
        task = new HostTask();
        task.finish(false);
        break;
      case ActionType.CreateTimer:
        task = allocateTimer(new Date(action.fireAt as string | Date).toISOString(), action.isCanceled === true);
        break;
      case ActionType.WaitForExternalEvent:
        task = waitForEvent(String(action.externalEventName));
        break;
      case ActionType.WhenAny:
      case ActionType.WhenAll:
        task = invokeCompound(type === ActionType.WhenAll, action.compoundActions);
        break;
      default:
        fail(
          type in unsupportedActions
            ? `${unsupportedActions[type]} is not supported by the devhost's durable engine.`
            : `Unknown orchestrator action type ${String(action.actionType)}.`,
        );
        task = new HostTask();
    }
    byAction.set(action, task);
    return task;
  };

  const waitForEvent = (name: string): HostTask => {
    const task = new HostTask();
    const queue = buffered.get(name);
    const early = queue?.shift();
    if (early !== undefined) {
      task.finish(false);
      return task;
    }
    const list = waiters.get(name) ?? [];
    list.push(task);
    waiters.set(name, list);
    return task;
  };

  const invokeCompound = (all: boolean, children: unknown): HostTask => {
    const tasks = (Array.isArray(children) ? children : []).map(invoke);
    const compound = new HostTask();
    const settle = (child: HostTask): void => {
      if (!all) compound.finish(false);
      else if (child.failed) compound.finish(true);
      else if (tasks.every((t) => t.done)) compound.finish(false);
    };
    for (const child of tasks) child.onDone(() => settle(child));
    if (tasks.length === 0) compound.finish(false);
    return compound;
  };

  let cursor = 0;
  const advance = (): void => {
    while (cursor < actions.length && result.error === undefined) {
      const task = invoke(actions[cursor++]);
      if (!task.done) {
        task.onDone(advance);
        return;
      }
    }
  };

  const order = new Map<HistoryEvent, number>();
  history.forEach((event, index) => {
    switch (event.EventType) {
      case EventType.ExecutionStarted:
        advance();
        break;
      case EventType.TaskCompleted:
      case EventType.TaskFailed:
      case EventType.SubOrchestrationInstanceCompleted:
      case EventType.SubOrchestrationInstanceFailed:
        completeTask(Number(event.TaskScheduledId), event);
        break;
      case EventType.TimerFired:
        completeTask(Number(event.TimerId), event);
        break;
      case EventType.EventRaised: {
        const name = String(event.Name);
        // The SDK serves several waiters of one name last-in first-out (it pops them).
        const waiter = waiters.get(name)?.pop();
        if (waiter !== undefined) waiter.finish(false);
        else {
          order.set(event, index);
          const queue = buffered.get(name) ?? [];
          queue.push(event);
          buffered.set(name, queue);
        }
        break;
      }
      default:
        break;
    }
  });
  result.unconsumedEvents = [...buffered.values()].flat().sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
  return result;
}
