import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTaskEventStream, type TaskEventStreamOptions } from '../../../src/http/events/createTaskEventStream';
import { decodeEventCursor } from '../../../src/http/events/eventCursor';
import { createTaskChangeFeed, type TaskChangeFeed } from '../../../src/tasks/taskChangeFeed';
import type { Task, TaskLog } from '../../../src/tasks/taskTypes';
import { createSseParser, type SseEvent } from '../../../web/sseParser';
import { createTestStore, type TestStore } from '../../tasks/testStore';

let t: TestStore;
beforeEach(() => {
  t = createTestStore();
});
afterEach(() => t.close());

/** A stream on the test store's clock; "sleeping" moves that clock, so nothing waits for real. */
function openStream(options: Partial<TaskEventStreamOptions> = {}) {
  const stream = createTaskEventStream({
    feed: createTaskChangeFeed(t.db),
    resumeFrom: null,
    clock: () => t.clock.now().getTime(),
    sleep: (ms) => {
      t.clock.advance(ms);
      return Promise.resolve();
    },
    timing: { pollMs: 500, heartbeatMs: 15_000, maxDurationMs: 120_000 },
    ...options,
  });
  const reader = stream.getReader();
  const parser = createSseParser();
  const decoder = new TextDecoder();
  const comments: string[] = [];
  return {
    /** The events (and comments) of the next chunk the stream writes, or null when it has ended. */
    async next(): Promise<SseEvent[] | null> {
      const { value, done } = await reader.read();
      if (done) return null;
      const text = decoder.decode(value);
      comments.push(...text.split('\n').filter((line) => line.startsWith(':')));
      return parser.push(text);
    },
    comments,
    cancel: () => reader.cancel(),
  };
}

/** Reads until the stream is quiet (a heartbeat) and returns every event seen. */
async function readUntilQuiet(stream: ReturnType<typeof openStream>): Promise<SseEvent[]> {
  const events: SseEvent[] = [];
  for (;;) {
    const heartbeats = stream.comments.filter((c) => c === ': heartbeat').length;
    const chunk = await stream.next();
    if (chunk === null) return events;
    events.push(...chunk);
    if (stream.comments.filter((c) => c === ': heartbeat').length > heartbeats) return events;
  }
}

function runTaskToEnd(outcome: 'success' | 'failed'): Task {
  const task = t.store.createTask({ taskType: 'download', source: 'manual' });
  t.clock.advance(300);
  t.store.startTask(task.task_id);
  t.store.log(task.task_id, 'INFO', 'started');
  t.store.updateProgress(task.task_id, 20, 'download', 'downloading');
  t.store.log(task.task_id, 'INFO', 'line <img src=x onerror=alert(1)>', 'download');
  t.clock.advance(300);
  t.store.updateProgress(task.task_id, 70, 'unzip', 'unzipping');
  t.store.log(task.task_id, 'WARNING', 'unzip says hi', 'unzip');
  t.clock.advance(300);
  return outcome === 'success' ? t.store.succeedTask(task.task_id, 'done') : t.store.failTask(task.task_id, 'broken');
}

const logIds = (events: readonly SseEvent[]): number[] =>
  events.filter((e) => e.event === 'log').map((e) => (JSON.parse(e.data) as TaskLog).id);
const allLogIds = (): number[] =>
  (t.db.prepare('SELECT id FROM market_data_task_logs ORDER BY id').all() as { id: number }[]).map((r) => r.id);
const lastTaskStates = (events: readonly SseEvent[]): Map<string, Task> =>
  new Map(
    events
      .filter((e) => e.event.startsWith('task-'))
      .map((e) => [(JSON.parse(e.data) as Task).task_id, JSON.parse(e.data) as Task]),
  );

describe('the task event stream', () => {
  it('opens with a retry hint and a ready event whose id starts after the newest log line', async () => {
    const before = runTaskToEnd('success');
    t.clock.advance(120_000);
    const stream = openStream();
    const first = await stream.next();
    expect(first).toEqual([{ event: 'ready', data: '{"resumed":false}', lastEventId: expect.any(String) }]);
    expect(decodeEventCursor(first![0]!.lastEventId!).logId).toBe(Math.max(...allLogIds()));
    // A task that ended long before the stream started is not repeated.
    const events = await readUntilQuiet(stream);
    expect(events.map((e) => (JSON.parse(e.data) as { task_id?: string }).task_id)).not.toContain(before.task_id);
  });

  it('reports a task from creation to its end, stage and progress changes and log lines, every event with an id', async () => {
    const stream = openStream();
    await stream.next();
    const task = t.store.createTask({ taskType: 'download', source: 'manual' });
    const created = await stream.next();
    expect(created!.map((e) => e.event)).toEqual(['task-created']);
    t.store.startTask(task.task_id);
    expect((await stream.next())!.map((e) => e.event)).toEqual(['task-status']);
    t.store.updateProgress(task.task_id, 10, 'download', 'going');
    t.store.log(task.task_id, 'INFO', 'first line', 'download');
    const progressed = (await stream.next())!;
    expect(progressed.map((e) => e.event)).toEqual(['task-stage', 'log']);
    expect(JSON.parse(progressed[1]!.data)).toMatchObject({ message: 'first line', level: 'INFO', stage: 'download' });
    t.store.updateProgress(task.task_id, 30, 'download', 'going on');
    const moved = (await stream.next())!;
    expect(moved.map((e) => e.event)).toEqual(['task-progress']);
    expect(JSON.parse(moved[0]!.data)).toMatchObject({ progress: 30, message: 'going on' });
    t.store.succeedTask(task.task_id);
    const ended = (await stream.next())!;
    expect(ended.map((e) => e.event)).toEqual(['task-status']);
    expect(JSON.parse(ended[0]!.data)).toMatchObject({ status: 'success', progress: 100 });
    for (const event of [...created!, ...progressed, ...moved, ...ended]) {
      expect(() => decodeEventCursor(event.lastEventId!)).not.toThrow();
    }
  });

  it('resumed from any event id, delivers every later log line exactly once and the final state of every task that changed', async () => {
    // One stream sees everything; then, for each event id it carried, a stream resumed there must make up the rest.
    const full = openStream();
    await full.next();
    const first = runTaskToEnd('failed');
    const second = runTaskToEnd('success');
    const seen = await readUntilQuiet(full);
    await full.cancel();
    expect(logIds(seen)).toEqual(allLogIds());

    for (let cut = 0; cut < seen.length; cut += 1) {
      const before = seen.slice(0, cut + 1);
      const resumed = openStream({ resumeFrom: decodeEventCursor(before.at(-1)!.lastEventId!) });
      expect((await resumed.next())![0]).toMatchObject({ event: 'ready', data: '{"resumed":true}' });
      const after = await readUntilQuiet(resumed);
      await resumed.cancel();
      // Logs: no gap, no repeat.
      expect([...logIds(before), ...logIds(after)]).toEqual(allLogIds());
      // Tasks: whatever the cut, the client ends up with each task's final state.
      const states = new Map([...lastTaskStates(before), ...lastTaskStates(after)]);
      expect(states.get(first.task_id)).toEqual(t.store.getTask(first.task_id));
      expect(states.get(second.task_id)).toEqual(t.store.getTask(second.task_id));
    }
  });

  it('makes up a task created, run and ended entirely while the client was away', async () => {
    const stream = openStream();
    const [ready] = (await stream.next())!;
    await stream.cancel();
    t.clock.advance(90_000);
    const missed = runTaskToEnd('success');
    t.clock.advance(90_000);
    const resumed = openStream({ resumeFrom: decodeEventCursor(ready!.lastEventId!) });
    const events = await readUntilQuiet(resumed);
    expect(lastTaskStates(events).get(missed.task_id)).toEqual(t.store.getTask(missed.task_id));
    expect(logIds(events)).toEqual(allLogIds());
  });

  it('keeps a quiet connection open with heartbeat comments', async () => {
    const stream = openStream({ timing: { heartbeatMs: 15_000, pollMs: 1_000 } });
    await stream.next();
    const started = t.clock.now().getTime();
    expect(await stream.next()).toEqual([]);
    expect(stream.comments).toContain(': heartbeat');
    expect(t.clock.now().getTime() - started).toBe(15_000);
  });

  it('ends after its maximum duration, or when the token expires if that is sooner', async () => {
    const bounded = openStream({ timing: { maxDurationMs: 60_000, heartbeatMs: 15_000 } });
    const start = t.clock.now().getTime();
    while ((await bounded.next()) !== null);
    expect(t.clock.now().getTime() - start).toBe(60_000);

    const expiring = openStream({ endBy: t.clock.now().getTime() + 5_000 });
    const from = t.clock.now().getTime();
    while ((await expiring.next()) !== null);
    expect(t.clock.now().getTime() - from).toBe(5_000);
  });

  it('stops reading the tables once the client goes away', async () => {
    let reads = 0;
    const real = createTaskChangeFeed(t.db);
    const counting: TaskChangeFeed = {
      ...real,
      listTasksTouchedSince: (since) => {
        reads += 1;
        return real.listTasksTouchedSince(since);
      },
    };
    // Real timers here: the point is that nothing keeps polling in the background.
    const stream = createTaskEventStream({ feed: counting, resumeFrom: null, timing: { pollMs: 5, heartbeatMs: 10 } });
    const reader = stream.getReader();
    await reader.read();
    await reader.read();
    await reader.cancel();
    const afterCancel = reads;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(reads).toBe(afterCancel);
  });

  it('ends normally, and says why, when the database goes away under it', async () => {
    const errors: unknown[] = [];
    const stream = openStream({ onError: (error) => errors.push(error) });
    await stream.next();
    t.db.close();
    expect(await stream.next()).toBeNull();
    expect(String(errors[0])).toMatch(/not open/i);
  });
});
