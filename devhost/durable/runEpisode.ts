// One orchestration episode: take the instance's visible inbox messages, replay the orchestrator with the full
// history through the app's own handler, interpret its actions and commit everything in one transaction.
import { randomUUID } from 'node:crypto';
import type { DurableStore, EpisodeCommit, NewInstance, OutboundMessage } from './createDurableStore';
import type { HistoryCache } from './createHistoryCache';
import { describeTaskFailure } from './describeActivityFailure';
import {
  EventType,
  RuntimeStatus,
  activeStatuses,
  createEvent,
  parseJsonText,
  toJsonText,
  type HistoryEvent,
} from './historyEvents';
import { readOrchestratorError, readOrchestratorResult, type OrchestratorOutcome } from './orchestratorResult';
import { replayActions, type ReplayResult } from './replayActions';
import type { DurableFunctionInvoker } from './types';

export interface WorkItem {
  id: number;
  instanceId: string;
  executionId: string;
  taskId: number;
  name: string;
  input: string | null;
}

export interface EpisodeEffects {
  work: WorkItem[];
  /** Instances that got new messages (children, parents, a new execution). */
  ready: string[];
  timers: { instanceId: string; dueMs: number }[];
}

export interface EpisodeDeps {
  store: DurableStore;
  cache: HistoryCache;
  invoker: DurableFunctionInvoker;
  now: () => Date;
}

export const newExecutionId = (): string => randomUUID().replaceAll('-', '');

/** ExecutionStarted for a new execution: name, JSON input and the instance with a new execution id. */
export function createStartEvent(
  timestamp: string,
  fields: { name: string; version: string; input: string; instanceId: string; executionId: string },
  parent: NewInstance['parent'],
): HistoryEvent {
  return createEvent(EventType.ExecutionStarted, timestamp, {
    Name: fields.name,
    Version: fields.version,
    Input: fields.input,
    OrchestrationInstance: { InstanceId: fields.instanceId, ExecutionId: fields.executionId },
    ParentInstance:
      parent === undefined
        ? null
        : {
            Name: parent.name,
            Version: '',
            TaskScheduleId: parent.taskId,
            OrchestrationInstance: { InstanceId: parent.instanceId, ExecutionId: parent.executionId },
          },
    Tags: null,
  });
}

const failedOutput = (name: string, error: string): string => `Orchestrator function '${name}' failed: ${error}`;

export async function runEpisode(deps: EpisodeDeps, instanceId: string): Promise<EpisodeEffects | undefined> {
  const { store, cache } = deps;
  const now = deps.now();
  const nowMs = now.getTime();
  const nowIso = now.toISOString();
  const row = store.getInstance(instanceId);
  const inbox = store.readInbox(instanceId, nowMs);
  if (inbox.length === 0) return undefined;
  if (row === undefined) {
    store.purgeInstance(instanceId); // messages for a purged instance
    return undefined;
  }
  const executionId = row.execution_id;
  const consumed: number[] = [];
  const incoming: HistoryEvent[] = [];
  let status = row.status;
  let runsOrchestrator = false;
  let terminateReason: string | undefined;
  const heldBack: { id: number; event: HistoryEvent }[] = [];
  const deliver = (id: number, event: HistoryEvent): void => {
    consumed.push(id);
    incoming.push(event);
    runsOrchestrator = true;
    if (event.EventType === EventType.ExecutionStarted) status = 'Running';
  };
  for (const message of inbox) {
    if (!activeStatuses.has(status) || (message.execution_id !== null && message.execution_id !== executionId)) {
      consumed.push(message.id); // stale or too late: the execution it was meant for is over
      continue;
    }
    const event = JSON.parse(message.event) as HistoryEvent;
    if (event.EventType === EventType.ExecutionTerminated) {
      consumed.push(message.id);
      terminateReason = typeof event.Input === 'string' ? event.Input : '';
      status = 'Terminated';
    } else if (event.EventType === EventType.ExecutionSuspended || event.EventType === EventType.ExecutionResumed) {
      consumed.push(message.id);
      const suspend = event.EventType === EventType.ExecutionSuspended;
      if (suspend && status !== 'Suspended') status = 'Suspended';
      else if (!suspend && status === 'Suspended') status = 'Running';
      else continue;
      incoming.push({ ...event, Timestamp: nowIso });
      // Messages held back while suspended are delivered right after the resume.
      if (!suspend) for (const held of heldBack.splice(0)) deliver(held.id, held.event);
    } else if (status === 'Suspended') {
      heldBack.push({ id: message.id, event }); // stays queued unless a resume follows in this batch
    } else {
      deliver(message.id, event);
    }
  }
  const history = cache.get(instanceId, executionId);
  const base = {
    instanceId,
    executionId,
    consumedInboxIds: consumed,
    historyStartSeq: history.events.length,
    nowMs,
    work: [],
    messages: [],
    canceledTimerIds: [],
    children: [],
  };
  if (terminateReason !== undefined) {
    const reason = terminateReason;
    const append = [
      createEvent(EventType.ExecutionTerminated, nowIso, { Input: reason }),
      createEvent(EventType.ExecutionCompleted, nowIso, {
        OrchestrationStatus: RuntimeStatus.Terminated,
        Result: reason,
      }),
    ];
    const parent = notifyParent(row, nowIso, nowMs, false, reason);
    return finish(
      deps,
      {
        ...base,
        appendHistory: append,
        status,
        output: reason,
        customStatus: row.custom_status,
        finished: true,
        messages: parent,
      },
      [],
    );
  }
  if (!runsOrchestrator) {
    if (consumed.length === 0) return undefined;
    return finish(
      deps,
      {
        ...base,
        appendHistory: incoming,
        status,
        output: row.output,
        customStatus: row.custom_status,
        finished: false,
      },
      [],
    );
  }

  const started = createEvent(EventType.OrchestratorStarted, nowIso);
  const fresh = [started, ...incoming];
  const freshJson = fresh.map((event) => JSON.stringify(event)).join(',');
  const bindingInfo = {
    history: JSON.parse(`[${history.playedJson}${history.playedJson === '' ? '' : ','}${freshJson}]`) as unknown,
    input: parseJsonText(row.input),
    instanceId,
    isReplaying: history.events.length > 0,
    parentInstanceId: row.parent_instance_id,
    upperSchemaVersion: 1,
    upperSchemaVersionNew: 2,
    longRunningTimerIntervalDuration: '3.00:00:00',
    // Large enough that the SDK never splits a long timer into a chain of intermediate ones.
    maximumShortTimerDuration: '3650.00:00:00',
    defaultHttpAsyncRequestSleepTimeMillseconds: 30000,
  };
  let outcome: OrchestratorOutcome;
  if (!deps.invoker.orchestrators().has(row.name)) {
    outcome = readOrchestratorError(
      new Error(`The function '${row.name}' doesn't exist, is disabled, or is not an orchestrator function.`),
    );
  } else {
    try {
      outcome = readOrchestratorResult(await deps.invoker.invokeOrchestrator(row.name, bindingInfo, instanceId));
    } catch (error) {
      outcome = readOrchestratorError(error);
    }
  }
  const replay = replayActions(outcome.actions, [...history.events, ...fresh], { executionId, nowIso, nowMs });
  const completed = createEvent(EventType.OrchestratorCompleted, nowIso);
  const customStatus = outcome.hasCustomStatus ? toJsonText(outcome.customStatus) : null;
  const error = outcome.error ?? replay.error;
  if (error !== undefined) {
    const output = failedOutput(row.name, error);
    const append = [
      ...fresh,
      completed,
      createEvent(EventType.ExecutionCompleted, nowIso, { OrchestrationStatus: RuntimeStatus.Failed, Result: output }),
    ];
    const parent = notifyParent(row, nowIso, nowMs, false, output);
    return finish(
      deps,
      {
        ...base,
        appendHistory: append,
        status: 'Failed',
        output: toJsonText(output),
        customStatus,
        finished: true,
        messages: parent,
      },
      [],
    );
  }
  if (outcome.isDone && replay.continueAsNew !== undefined) {
    const nextId = newExecutionId();
    const input = toJsonText(replay.continueAsNew.input);
    const startEvent = createStartEvent(
      nowIso,
      { name: row.name, version: row.version, input, instanceId, executionId: nextId },
      parentOf(row),
    );
    const carried = replay.unconsumedEvents.map((event) => ({ ...event, IsPlayed: false }));
    return finish(
      deps,
      {
        ...base,
        appendHistory: [],
        status: 'ContinuedAsNew',
        output: null,
        customStatus,
        finished: false,
        nextExecution: { executionId: nextId, input, startEvent, carried },
      },
      [instanceId],
    );
  }
  if (outcome.isDone) {
    const output = toJsonText(outcome.output);
    const append = [
      ...fresh,
      completed,
      createEvent(EventType.ExecutionCompleted, nowIso, {
        OrchestrationStatus: RuntimeStatus.Completed,
        Result: output,
      }),
    ];
    const parent = notifyParent(row, nowIso, nowMs, true, output);
    return finish(
      deps,
      { ...base, appendHistory: append, status: 'Completed', output, customStatus, finished: true, messages: parent },
      [],
    );
  }
  return finish(deps, scheduleDecisions(row.name, base, fresh, completed, replay, status, customStatus), []);
}

function scheduleDecisions(
  name: string,
  base: Omit<EpisodeCommit, 'appendHistory' | 'status' | 'output' | 'customStatus' | 'finished'>,
  fresh: HistoryEvent[],
  completed: HistoryEvent,
  replay: ReplayResult,
  status: string,
  customStatus: string | null,
): EpisodeCommit {
  const { instanceId, executionId, nowMs } = base;
  const messages: OutboundMessage[] = replay.timers.map((timer) => ({
    instanceId,
    executionId,
    timerId: timer.timerId,
    visibleMs: Date.parse(timer.fireAt),
    event: createEvent(EventType.TimerFired, timer.fireAt, { TimerId: timer.timerId, FireAt: timer.fireAt }),
  }));
  const nowIso = new Date(nowMs).toISOString();
  const children: NewInstance[] = replay.subOrchestrations.map((sub) => {
    const childExecution = newExecutionId();
    const input = toJsonText(sub.input);
    const parent = { instanceId, executionId, taskId: sub.taskId, name };
    return {
      instanceId: sub.instanceId,
      name: sub.name,
      version: sub.version,
      executionId: childExecution,
      input,
      nowMs,
      parent,
      startEvent: createStartEvent(
        nowIso,
        { name: sub.name, version: sub.version, input, instanceId: sub.instanceId, executionId: childExecution },
        parent,
      ),
    };
  });
  return {
    ...base,
    appendHistory: [...fresh, ...replay.decisions, completed],
    status,
    output: null,
    customStatus,
    finished: false,
    work: replay.activities.map((a) => ({
      taskId: a.taskId,
      name: a.name,
      input: a.input === undefined ? null : JSON.stringify(a.input),
    })),
    messages,
    canceledTimerIds: replay.canceledTimerIds,
    children,
  };
}

function parentOf(row: {
  parent_instance_id: string | null;
  parent_execution_id: string | null;
  parent_task_id: number | null;
  parent_name: string | null;
}): NewInstance['parent'] {
  if (row.parent_instance_id === null || row.parent_execution_id === null || row.parent_task_id === null)
    return undefined;
  return {
    instanceId: row.parent_instance_id,
    executionId: row.parent_execution_id,
    taskId: row.parent_task_id,
    name: row.parent_name ?? '',
  };
}

/** Tells the parent orchestration how its sub-orchestration ended (SubOrchestrationInstanceCompleted or Failed). */
function notifyParent(
  row: Parameters<typeof parentOf>[0],
  nowIso: string,
  nowMs: number,
  succeeded: boolean,
  result: string,
): OutboundMessage[] {
  const parent = parentOf(row);
  if (parent === undefined) return [];
  const event = succeeded
    ? createEvent(EventType.SubOrchestrationInstanceCompleted, nowIso, {
        TaskScheduledId: parent.taskId,
        Result: result,
      })
    : createEvent(EventType.SubOrchestrationInstanceFailed, nowIso, {
        TaskScheduledId: parent.taskId,
        Reason: result,
        Details: describeTaskFailure('Orchestrator', row.parent_name ?? '', result).Details,
        FailureDetails: null,
      });
  return [{ instanceId: parent.instanceId, executionId: parent.executionId, event, visibleMs: nowMs }];
}

function finish(deps: EpisodeDeps, commit: EpisodeCommit, alsoReady: string[]): EpisodeEffects | undefined {
  const workIds = deps.store.commitEpisode(commit);
  const { instanceId, executionId } = commit;
  if (workIds === null) {
    deps.cache.drop(instanceId);
    return undefined;
  }
  if (commit.finished || commit.nextExecution !== undefined) deps.cache.drop(instanceId);
  else deps.cache.append(instanceId, executionId, commit.appendHistory);
  const work = commit.work.map((w, index) => ({
    id: workIds[index] ?? -1,
    instanceId,
    executionId,
    taskId: w.taskId,
    name: w.name,
    input: w.input,
  }));
  const ready = [...alsoReady, ...commit.children.map((c) => c.instanceId)];
  const timers: EpisodeEffects['timers'] = [];
  for (const message of commit.messages) {
    if (message.timerId !== undefined) timers.push({ instanceId: message.instanceId, dueMs: message.visibleMs });
    else ready.push(message.instanceId);
  }
  // A child that could not start reports back to this instance right away.
  if (commit.children.length > 0) ready.push(instanceId);
  return { work, ready, timers };
}
