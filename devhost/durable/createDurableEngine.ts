// The devhost's Durable Functions engine: SQLite-backed instances and history, episodes replayed through the app's
// own orchestrator handlers, activities at least once, durable timers, and the durabletask webhook API.
import { join } from 'node:path';
import { createDispatcher } from './createDispatcher';
import { createDurableStore, type DurableStore } from './createDurableStore';
import { createHistoryCache, type HistoryCache } from './createHistoryCache';
import { createActivityFailedEvent } from './describeActivityFailure';
import type { EngineCore } from './engineCore';
import { handleDurableHttp } from './handleDurableHttp';
import { EventType, createEvent, toJsonText, type HistoryEvent } from './historyEvents';
import { HttpProblem } from './httpIo';
import { buildClientInputData } from './managementUrls';
import { createStartEvent, newExecutionId, runEpisode, type EpisodeEffects, type WorkItem } from './runEpisode';
import type { CreateDurableEngine, DurableEngine, DurableEngineOptions } from './types';

export const createDurableEngine: CreateDurableEngine = (options: DurableEngineOptions): DurableEngine => {
  const now = options.now ?? (() => new Date());
  const { invoker, log, hubName: hub } = options;
  let store: DurableStore | undefined;
  let cache: HistoryCache | undefined;

  const openStore = (): DurableStore => {
    if (store === undefined) throw new HttpProblem(503, 'The durable engine is not running.');
    return store;
  };

  const applyEffects = (effects: EpisodeEffects | undefined): void => {
    if (effects === undefined) return;
    dispatcher.enqueueWork(effects.work);
    for (const id of effects.ready) dispatcher.markReady(id);
    for (const timer of effects.timers) dispatcher.addTimer(timer.instanceId, timer.dueMs);
  };

  const runActivity = async (item: WorkItem): Promise<void> => {
    if (store === undefined || !store.workExists(item.id)) return;
    let event: HistoryEvent;
    if (!invoker.activities().has(item.name)) {
      const known = [...invoker.activities()].map((n) => `'${n}'`).join(', ');
      const error = new Error(
        `The function '${item.name}' doesn't exist, is disabled, or is not an activity function. ` +
          `Additional info: The following are the known activity functions: ${known}.`,
      );
      event = createActivityFailedEvent(now().toISOString(), item.taskId, item.name, error);
    } else {
      try {
        const input = item.input === null ? undefined : (JSON.parse(item.input) as unknown);
        const result = await invoker.invokeActivity(item.name, input, item.instanceId);
        event = createEvent(EventType.TaskCompleted, now().toISOString(), {
          TaskScheduledId: item.taskId,
          Result: toJsonText(result),
        });
      } catch (error) {
        event = createActivityFailedEvent(now().toISOString(), item.taskId, item.name, error);
      }
    }
    // The store may have closed while the activity ran (stop without enough grace): its work row stays and
    // the activity runs again on the next start.
    if (store === undefined) return;
    const message = { instanceId: item.instanceId, executionId: item.executionId, event, visibleMs: now().getTime() };
    if (store.completeWork(item.id, message)) dispatcher.markReady(item.instanceId);
  };

  const dispatcher = createDispatcher({
    maxActivities: Math.max(1, options.maxConcurrentActivityFunctions),
    maxEpisodes: Math.max(1, options.maxConcurrentOrchestratorFunctions),
    now,
    runEpisode: async (instanceId) => {
      if (store === undefined || cache === undefined) return;
      try {
        applyEffects(await runEpisode({ store, cache, invoker, now }, instanceId));
      } catch (error) {
        if (store === undefined) return; // stopped mid-episode: its messages stay in the inbox for the next start
        throw error;
      }
    },
    runActivity,
    onError: (what, error) => log('error', `Durable engine: ${what} failed: ${describe(error)}`),
  });

  const core: EngineCore = {
    hub,
    invoker,
    now,
    store: openStore,
    startInstance: ({ name, instanceId, input, version }) => {
      const executionId = newExecutionId();
      const time = now();
      const startEvent = createStartEvent(
        time.toISOString(),
        { name, version, input, instanceId, executionId },
        undefined,
      );
      const outcome = openStore().startInstance(
        { instanceId, name, version, executionId, input, nowMs: time.getTime(), startEvent },
        options.overridableExistingInstanceStates === 'AnyState',
      );
      if (outcome.ok) dispatcher.markReady(instanceId);
      return outcome;
    },
    sendToInstance: (instanceId, event) => {
      openStore().enqueue({ instanceId, executionId: null, event, visibleMs: now().getTime() });
      dispatcher.markReady(instanceId);
    },
  };

  return {
    clientInputData: (baseUrl) => buildClientInputData(baseUrl, hub),
    handleHttp: async (req, res, url) => {
      try {
        await handleDurableHttp(core, req, res, url);
      } catch (error) {
        log('error', `Durable HTTP API ${req.method ?? ''} ${url.pathname} failed: ${describe(error)}`);
      }
    },
    start: async () => {
      if (store !== undefined) return;
      store = createDurableStore(options.dataDir, hub);
      cache = createHistoryCache(store);
      const nowMs = now().getTime();
      // Resume: unfinished activities run again, due messages are delivered, future timers are re-armed.
      const work = store.allWork();
      dispatcher.enqueueWork(
        work.map((w) => ({
          id: w.id,
          instanceId: w.instance_id,
          executionId: w.execution_id,
          taskId: w.task_id,
          name: w.name,
          input: w.input,
        })),
      );
      for (const id of store.readyInstances(nowMs)) dispatcher.markReady(id);
      for (const timer of store.futureTimers(nowMs)) dispatcher.addTimer(timer.instanceId, timer.dueMs);
      dispatcher.start();
      log(
        'information',
        `Durable engine started (hub ${hub}, ${work.length} activities to resume, store ${join(options.dataDir, 'durable.sqlite3')}).`,
      );
      await Promise.resolve();
    },
    stop: async (graceMs) => {
      await dispatcher.stop(graceMs);
      const closing = store;
      store = undefined;
      cache?.clear();
      cache = undefined;
      closing?.close();
    },
  };
};

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
