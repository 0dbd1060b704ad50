import * as df from 'durable-functions';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDurableStore } from '../../../devhost/durable/createDurableStore';
import { startDurableTestHost, waitForTerminal, type DurableTestHost } from './durableTestHost';

interface ChildOutput {
  doubled: number;
  instanceId: string;
  parent: string;
}

const attempts = new Map<string, number>();
const countAttempt = (key: string): number => {
  const n = (attempts.get(key) ?? 0) + 1;
  attempts.set(key, n);
  return n;
};

/** The durable functions of this file, registered anew for each host through the devhost shim. */
function registerFunctions(): void {
  df.app.activity('flaky', {
    handler: (input: { key: string; failures: number }) => {
      const n = countAttempt(input.key);
      if (n <= input.failures) throw new Error(`attempt ${n} failed`);
      return `ok after ${n}`;
    },
  });
  df.app.activity('echo', { handler: (value: unknown) => value });

  df.app.orchestration('retryUntilSuccess', function* (context) {
    const input = context.df.getInput<{ key: string; failures: number; attempts: number }>();
    const options = new df.RetryOptions(10, input.attempts);
    try {
      return yield context.df.callActivityWithRetry('flaky', options, { key: input.key, failures: input.failures });
    } catch (error) {
      return `caught: ${(error as Error).message}`;
    }
  });

  df.app.orchestration('fanWithRetry', function* (context) {
    const key = context.df.getInput<string>();
    const results = yield context.df.Task.all([
      context.df.callActivity('echo', 'a'),
      context.df.callActivity('echo', 'b'),
      context.df.callActivityWithRetry('flaky', new df.RetryOptions(5, 5), { key, failures: 2 }),
    ]);
    return results;
  });

  df.app.orchestration('childOrchestrator', function* (context) {
    const input = context.df.getInput<{ key?: string; fail?: number; value: number }>();
    // Count real attempts only: a replay re-runs this line for the same attempt.
    if (input.key !== undefined && !context.df.isReplaying && countAttempt(input.key) <= (input.fail ?? 0)) {
      throw new Error('child broke');
    }
    const doubled = (yield context.df.callActivity('echo', input.value * 2)) as number;
    return { doubled, instanceId: context.df.instanceId, parent: context.df.parentInstanceId };
  });

  df.app.orchestration('parentOrchestrator', function* (context) {
    const key = context.df.getInput<string>();
    const plain = yield context.df.callSubOrchestrator('childOrchestrator', { value: 1 });
    const named = yield context.df.callSubOrchestrator(
      'childOrchestrator',
      { value: 2 },
      `${context.df.instanceId}-named`,
    );
    const retried = yield context.df.callSubOrchestratorWithRetry('childOrchestrator', new df.RetryOptions(10, 3), {
      key,
      fail: 2,
      value: 3,
    });
    let failure = '';
    try {
      yield context.df.callSubOrchestrator('childOrchestrator', { key: `${key}-always`, fail: 99, value: 0 });
    } catch (error) {
      failure = (error as Error).message;
    }
    return { plain, named, retried, failure };
  });
}

describe('durable engine: retries and sub-orchestrations', () => {
  let host: DurableTestHost;
  beforeEach(async () => {
    host = await startDurableTestHost({ register: registerFunctions });
  });
  afterEach(async () => {
    await host.close();
  });

  it('retries a failing activity until it succeeds', async () => {
    const id = await host.client.startNew('retryUntilSuccess', { input: { key: 'success', failures: 2, attempts: 5 } });
    const status = await waitForTerminal(host.client, id);
    expect(status.output).toBe('ok after 3');
    expect(attempts.get('success')).toBe(3);
  });

  it('surfaces the last failure once every attempt is used up', async () => {
    const id = await host.client.startNew('retryUntilSuccess', {
      input: { key: 'exhaust', failures: 99, attempts: 3 },
    });
    const status = await waitForTerminal(host.client, id);
    expect(attempts.get('exhaust')).toBe(3);
    expect(status.output).toMatch(/^caught: Activity function 'flaky' failed: attempt 3 failed/);
  });

  it('assigns sequence ids like DTFx: a retry timer after each failed attempt, then the next attempt', async () => {
    const id = await host.client.startNew('fanWithRetry', { input: 'fan' });
    const status = await waitForTerminal(host.client, id);
    expect(status.output).toEqual(['a', 'b', 'ok after 3']);
    const res = await fetch(`${host.baseUrl}/runtime/webhooks/durabletask/instances/${id}?showHistory=true`);
    const body = (await res.json()) as { historyEvents: { EventType: string }[] };
    const timers = body.historyEvents.filter((e) => e.EventType === 'TimerFired').length;
    expect(timers).toBe(2);
    const raw = readScheduling(host, id);
    // ids 0-2 for the fan-out, then each failed attempt is followed by its retry timer: timer 3, attempt 4, timer 5,
    // attempt 6 (DurableTask.Core's retry order, which the SDK expects).
    expect(raw).toEqual(['4:0', '4:1', '4:2', '10:3', '4:4', '10:5', '4:6']);
  });

  it('runs sub-orchestrations with default and explicit ids, retries, and reports child failures', async () => {
    const id = await host.client.startNew('parentOrchestrator', { input: 'sub' });
    const status = await waitForTerminal(host.client, id);
    expect(status.runtimeStatus).toBe('Completed');
    const output = status.output as { plain: ChildOutput; named: ChildOutput; retried: ChildOutput; failure: string };
    expect(output.plain.doubled).toBe(2);
    expect(output.plain.instanceId).toMatch(/^[0-9a-f]{32}:0$/);
    expect(output.plain.parent).toBe(id);
    expect(output.named).toEqual({ doubled: 4, instanceId: `${id}-named`, parent: id });
    expect(output.retried.doubled).toBe(6);
    expect(attempts.get('sub')).toBe(3);
    expect(output.failure).toContain("Orchestrator function 'childOrchestrator' failed: child broke");
    const child = await host.client.getStatus(`${id}-named`);
    expect(child.runtimeStatus).toBe('Completed');
  });
});

/** TaskScheduled / TimerCreated ids as "type:id", read read straight from the store in history order. */
function readScheduling(host: DurableTestHost, id: string): string[] {
  const store = createDurableStore(host.dataDir, 'TestHubName');
  try {
    return store
      .readHistory(id)
      .filter((e) => e.EventType === 4 || e.EventType === 10)
      .map((e) => `${e.EventType}:${e.EventId}`);
  } finally {
    store.close();
  }
}
