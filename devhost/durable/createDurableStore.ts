// SQLite persistence of the durable engine: instances, history, inbox (messages and timers) and work (activities).
// Every state change is one synchronous transaction; the engine keeps only caches in memory.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { activeStatuses, type HistoryEvent } from './historyEvents';
import { storeMigrations } from './storeSchema';

export interface InstanceRow {
  instance_id: string;
  name: string;
  version: string;
  execution_id: string;
  status: string;
  input: string | null;
  output: string | null;
  custom_status: string | null;
  created_ms: number;
  updated_ms: number;
  parent_instance_id: string | null;
  parent_execution_id: string | null;
  parent_task_id: number | null;
  parent_name: string | null;
}

export interface InboxRow {
  id: number;
  execution_id: string | null;
  event: string;
}

export interface WorkRow {
  id: number;
  instance_id: string;
  execution_id: string;
  task_id: number;
  name: string;
  input: string | null;
}

export interface NewInstance {
  instanceId: string;
  name: string;
  version: string;
  executionId: string;
  input: string;
  nowMs: number;
  startEvent: HistoryEvent;
  parent?: { instanceId: string; executionId: string; taskId: number; name: string };
}

export interface OutboundMessage {
  instanceId: string;
  executionId: string | null;
  event: HistoryEvent;
  visibleMs: number;
  timerId?: number;
}

export interface EpisodeCommit {
  instanceId: string;
  executionId: string;
  consumedInboxIds: readonly number[];
  historyStartSeq: number;
  appendHistory: readonly HistoryEvent[];
  status: string;
  output: string | null;
  customStatus: string | null;
  nowMs: number;
  work: readonly { taskId: number; name: string; input: string | null }[];
  messages: readonly OutboundMessage[];
  canceledTimerIds: readonly number[];
  children: readonly NewInstance[];
  /** The execution ended: drop its timers, pending completions and unstarted activities. */
  finished: boolean;
  /** continueAsNew: the history restarts under a new execution id with this start message. */
  nextExecution?: { executionId: string; input: string; startEvent: HistoryEvent; carried: readonly HistoryEvent[] };
}

export interface InstanceFilter {
  instanceIdPrefix: string | null;
  createdFromMs: number | null;
  createdToMs: number | null;
  /** Statuses as ",A,B," or null for any. */
  statuses: string | null;
}

export type StartOutcome = { ok: true } | { ok: false; existingStatus: string };

export type DurableStore = ReturnType<typeof createDurableStore>;

export function createDurableStore(dataDir: string, hub: string) {
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(join(dataDir, 'durable.sqlite3'));
  db.pragma('journal_mode = WAL');
  // NORMAL in WAL mode survives a process crash; only an OS crash may lose the last commits.
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  migrate(db);

  const s = {
    getInstance: db.prepare('SELECT * FROM instances WHERE hub = @hub AND instance_id = @id'),
    upsertInstance: db.prepare(`INSERT OR REPLACE INTO instances (hub, instance_id, name, version, execution_id, status,
        input, output, custom_status, created_ms, updated_ms, parent_instance_id, parent_execution_id, parent_task_id,
        parent_name)
      VALUES (@hub, @id, @name, @version, @executionId, 'Pending', @input, NULL, NULL, @nowMs, @nowMs, @parentId,
        @parentExecutionId, @parentTaskId, @parentName)`),
    updateInstance: db.prepare(`UPDATE instances SET status = @status, output = @output, custom_status = @customStatus,
        updated_ms = @nowMs WHERE hub = @hub AND instance_id = @id`),
    renewExecution: db.prepare(`UPDATE instances SET execution_id = @executionId, input = @input
        WHERE hub = @hub AND instance_id = @id`),
    deleteInstance: db.prepare('DELETE FROM instances WHERE hub = @hub AND instance_id = @id'),
    readHistory: db.prepare('SELECT event FROM history WHERE hub = @hub AND instance_id = @id ORDER BY seq'),
    insertHistory: db.prepare('INSERT INTO history (hub, instance_id, seq, event) VALUES (@hub, @id, @seq, @event)'),
    deleteHistory: db.prepare('DELETE FROM history WHERE hub = @hub AND instance_id = @id'),
    readInbox: db.prepare(`SELECT id, execution_id, event FROM inbox
        WHERE hub = @hub AND instance_id = @id AND visible_ms <= @nowMs ORDER BY id`),
    insertInbox: db.prepare(`INSERT INTO inbox (hub, instance_id, execution_id, timer_id, visible_ms, event)
        VALUES (@hub, @id, @executionId, @timerId, @visibleMs, @event)`),
    deleteInboxRow: db.prepare('DELETE FROM inbox WHERE id = @rowId'),
    deleteInbox: db.prepare('DELETE FROM inbox WHERE hub = @hub AND instance_id = @id'),
    deleteExecutionInbox: db.prepare(
      'DELETE FROM inbox WHERE hub = @hub AND instance_id = @id AND execution_id = @executionId',
    ),
    deleteTimer: db.prepare(`DELETE FROM inbox
        WHERE hub = @hub AND instance_id = @id AND execution_id = @executionId AND timer_id = @timerId`),
    readyInstances: db.prepare('SELECT DISTINCT instance_id FROM inbox WHERE hub = @hub AND visible_ms <= @nowMs'),
    // Every due time, not just each instance's earliest: the dispatcher only learns of a timer when it is armed.
    futureTimers: db.prepare(`SELECT DISTINCT instance_id, visible_ms AS due_ms FROM inbox
        WHERE hub = @hub AND visible_ms > @nowMs ORDER BY visible_ms`),
    insertWork: db.prepare(`INSERT INTO work (hub, instance_id, execution_id, task_id, name, input)
        VALUES (@hub, @id, @executionId, @taskId, @name, @input)`),
    workExists: db.prepare('SELECT 1 FROM work WHERE id = @rowId'),
    deleteWorkRow: db.prepare('DELETE FROM work WHERE id = @rowId'),
    deleteWork: db.prepare('DELETE FROM work WHERE hub = @hub AND instance_id = @id'),
    allWork: db.prepare(
      'SELECT id, instance_id, execution_id, task_id, name, input FROM work WHERE hub = @hub ORDER BY id',
    ),
    queryInstances: db.prepare(`SELECT * FROM instances WHERE hub = @hub
        AND (@prefix IS NULL OR substr(instance_id, 1, length(@prefix)) = @prefix)
        AND (@fromMs IS NULL OR created_ms >= @fromMs)
        AND (@toMs IS NULL OR created_ms <= @toMs)
        AND (@statuses IS NULL OR instr(@statuses, ',' || status || ',') > 0)
        ORDER BY created_ms, instance_id LIMIT @limit OFFSET @offset`),
  };

  const key = (id: string) => ({ hub, id });

  const getInstance = (id: string): InstanceRow | undefined => s.getInstance.get(key(id)) as InstanceRow | undefined;

  const enqueue = (message: OutboundMessage): number =>
    Number(
      s.insertInbox.run({
        hub,
        id: message.instanceId,
        executionId: message.executionId,
        timerId: message.timerId ?? null,
        visibleMs: message.visibleMs,
        event: JSON.stringify(message.event),
      }).lastInsertRowid,
    );

  const purgeRows = (id: string): void => {
    s.deleteHistory.run(key(id));
    s.deleteInbox.run(key(id));
    s.deleteWork.run(key(id));
  };

  const createInstance = (instance: NewInstance): void => {
    purgeRows(instance.instanceId);
    s.upsertInstance.run({
      hub,
      id: instance.instanceId,
      name: instance.name,
      version: instance.version,
      executionId: instance.executionId,
      input: instance.input,
      nowMs: instance.nowMs,
      parentId: instance.parent?.instanceId ?? null,
      parentExecutionId: instance.parent?.executionId ?? null,
      parentTaskId: instance.parent?.taskId ?? null,
      parentName: instance.parent?.name ?? null,
    });
    enqueue({
      instanceId: instance.instanceId,
      executionId: instance.executionId,
      event: instance.startEvent,
      visibleMs: instance.nowMs,
    });
  };

  /** Creates the instance unless its id is held by an active instance and `replaceActive` is false. */
  const tryCreateInstance = (instance: NewInstance, replaceActive: boolean): StartOutcome => {
    const existing = getInstance(instance.instanceId);
    if (existing !== undefined && activeStatuses.has(existing.status) && !replaceActive) {
      return { ok: false, existingStatus: existing.status };
    }
    createInstance(instance);
    return { ok: true };
  };

  // IMMEDIATE takes the write lock before reading, so two racing starts of one id serialise here.
  const startInstance = db.transaction(tryCreateInstance);

  /** Returns the new work row ids in order, or null when the instance was replaced or purged meanwhile. */
  const commitEpisode = db.transaction((c: EpisodeCommit): number[] | null => {
    const row = getInstance(c.instanceId);
    if (row === undefined || row.execution_id !== c.executionId) return null;
    const id = c.instanceId;
    for (const rowId of c.consumedInboxIds) s.deleteInboxRow.run({ rowId });
    let seq = c.historyStartSeq;
    for (const event of c.appendHistory) s.insertHistory.run({ hub, id, seq: seq++, event: JSON.stringify(event) });
    const workIds = c.work.map((w) =>
      Number(s.insertWork.run({ hub, id, executionId: c.executionId, ...w }).lastInsertRowid),
    );
    for (const timerId of c.canceledTimerIds) s.deleteTimer.run({ hub, id, executionId: c.executionId, timerId });
    for (const message of c.messages) enqueue(message);
    for (const child of c.children) {
      const outcome = tryCreateInstance(child, false);
      if (!outcome.ok && child.parent !== undefined) {
        enqueue({
          instanceId: id,
          executionId: c.executionId,
          visibleMs: c.nowMs,
          event: {
            EventType: 9,
            EventId: -1,
            IsPlayed: false,
            Timestamp: new Date(c.nowMs).toISOString(),
            TaskScheduledId: child.parent.taskId,
            Reason: `An Orchestration instance with the status ${outcome.existingStatus} already exists.`,
            Details: JSON.stringify({ Message: `Instance '${child.instanceId}' is ${outcome.existingStatus}.` }),
            FailureDetails: null,
          },
        });
      }
    }
    if (c.finished) {
      s.deleteExecutionInbox.run({ hub, id, executionId: c.executionId });
      s.deleteWork.run(key(id));
    }
    if (c.nextExecution !== undefined) {
      const next = c.nextExecution;
      s.deleteHistory.run(key(id));
      s.deleteWork.run(key(id));
      s.deleteExecutionInbox.run({ hub, id, executionId: c.executionId });
      s.renewExecution.run({ hub, id, executionId: next.executionId, input: next.input });
      enqueue({ instanceId: id, executionId: next.executionId, event: next.startEvent, visibleMs: c.nowMs });
      for (const event of next.carried) enqueue({ instanceId: id, executionId: null, event, visibleMs: c.nowMs });
    }
    s.updateInstance.run({ hub, id, status: c.status, output: c.output, customStatus: c.customStatus, nowMs: c.nowMs });
    return workIds;
  });

  /** Records an activity result unless its work item was dropped (terminated, purged or replaced instance). */
  const completeWork = db.transaction((workId: number, message: OutboundMessage): boolean => {
    if (s.deleteWorkRow.run({ rowId: workId }).changes === 0) return false;
    enqueue(message);
    return true;
  });

  const purgeInstance = db.transaction((id: string): boolean => {
    const deleted = s.deleteInstance.run(key(id)).changes > 0;
    purgeRows(id);
    return deleted;
  });

  const queryInstances = (filter: InstanceFilter, limit: number, offset: number): InstanceRow[] =>
    s.queryInstances.all({
      hub,
      prefix: filter.instanceIdPrefix,
      fromMs: filter.createdFromMs,
      toMs: filter.createdToMs,
      statuses: filter.statuses,
      limit,
      offset,
    }) as InstanceRow[];

  return {
    getInstance,
    startInstance: (instance: NewInstance, replaceActive: boolean): StartOutcome =>
      startInstance.immediate(instance, replaceActive),
    readHistory: (id: string): HistoryEvent[] =>
      (s.readHistory.all(key(id)) as { event: string }[]).map((r) => JSON.parse(r.event) as HistoryEvent),
    readInbox: (id: string, nowMs: number): InboxRow[] => s.readInbox.all({ hub, id, nowMs }) as InboxRow[],
    enqueue,
    commitEpisode: (c: EpisodeCommit): number[] | null => commitEpisode.immediate(c),
    completeWork: (workId: number, message: OutboundMessage): boolean => completeWork.immediate(workId, message),
    workExists: (workId: number): boolean => s.workExists.get({ rowId: workId }) !== undefined,
    allWork: (): WorkRow[] => s.allWork.all({ hub }) as WorkRow[],
    readyInstances: (nowMs: number): string[] =>
      (s.readyInstances.all({ hub, nowMs }) as { instance_id: string }[]).map((r) => r.instance_id),
    futureTimers: (nowMs: number): { instanceId: string; dueMs: number }[] =>
      (s.futureTimers.all({ hub, nowMs }) as { instance_id: string; due_ms: number }[]).map((r) => ({
        instanceId: r.instance_id,
        dueMs: r.due_ms,
      })),
    queryInstances,
    purgeInstance: (id: string): boolean => purgeInstance.immediate(id),
    close: (): void => {
      db.close();
    },
  };
}

function migrate(db: Database.Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  storeMigrations.forEach((sql, index) => {
    if (index < current) return;
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`user_version = ${index + 1}`);
    }).immediate();
  });
}
