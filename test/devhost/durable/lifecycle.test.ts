import { HttpRequest } from '@azure/functions';
import * as df from 'durable-functions';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startDurableTestHost, waitFor, waitForTerminal, type DurableTestHost } from './durableTestHost';

let useRenamedActivity = false;
// The `gated` activity runs until the test releases it, returning the input it was given.
let releaseGated: ((value: string) => void) | undefined;

/** The durable functions of this file, registered anew for each host through the devhost shim. */
function registerFunctions(): void {
  df.app.activity('stepA', { handler: () => 'A' });
  df.app.activity('stepB', { handler: () => 'B' });
  df.app.activity('explode', {
    handler: () => {
      throw new Error('kaboom');
    },
  });

  df.app.orchestration('waitForGo', function* (context) {
    const value = yield context.df.waitForExternalEvent('go');
    return { got: value as unknown, input: context.df.getInput<unknown>() };
  });

  df.app.orchestration('changesBetweenReplays', function* (context) {
    yield context.df.callActivity(useRenamedActivity ? 'stepB' : 'stepA');
    yield context.df.waitForExternalEvent('go');
    return 'unreachable';
  });

  df.app.activity('gated', {
    handler: (input: string) => new Promise<string>((resolve) => (releaseGated = () => resolve(input))),
  });
  df.app.orchestration('callsGated', function* (context) {
    const first = (yield context.df.callActivity('gated', context.df.getInput<string>())) as string;
    return first;
  });

  df.app.orchestration('failsInActivity', function* (context) {
    return yield context.df.callActivity('explode');
  });
}

describe('durable engine: instance lifecycle through the real DurableClient', () => {
  let host: DurableTestHost;
  beforeEach(async () => {
    host = await startDurableTestHost({ register: registerFunctions });
  });
  afterEach(async () => {
    await host.close();
  });

  const running = async (id: string) =>
    waitFor(async () =>
      (await host.client.getStatus(id)).runtimeStatus === df.OrchestrationRuntimeStatus.Running ? true : undefined,
    );

  it('terminates a running instance with the reason as output', async () => {
    const id = await host.client.startNew('waitForGo');
    await running(id);
    await host.client.terminate(id, 'stop it');
    const status = await waitForTerminal(host.client, id);
    expect(status.runtimeStatus).toBe('Terminated');
    expect(status.output).toBe('stop it');
  });

  it('drops the late result of an activity of a terminated execution, even after the id is started again', async () => {
    const id = 'terminated-then-restarted';
    await host.client.startNew('callsGated', { instanceId: id, input: 'old' });
    await waitFor(() => releaseGated);
    const releaseOld = releaseGated!;
    releaseGated = undefined;
    await host.client.terminate(id, 'stop');
    await waitForTerminal(host.client, id);
    await host.client.startNew('callsGated', { instanceId: id, input: 'new' });
    await waitFor(() => releaseGated);
    releaseOld('old');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await host.client.getStatus(id)).runtimeStatus).toBe('Running');
    releaseGated!('new');
    expect((await waitForTerminal(host.client, id)).output).toBe('new');
  });

  it('suspends an instance, queues its events, and resumes it', async () => {
    const id = await host.client.startNew('waitForGo', { input: 'in' });
    await running(id);
    await host.client.suspend(id, 'pause');
    await waitFor(async () =>
      (await host.client.getStatus(id)).runtimeStatus === df.OrchestrationRuntimeStatus.Suspended ? true : undefined,
    );
    await host.client.raiseEvent(id, 'go', 42);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await host.client.getStatus(id)).runtimeStatus).toBe('Suspended');
    await host.client.resume(id, 'continue');
    const status = await waitForTerminal(host.client, id);
    expect(status.output).toEqual({ got: 42, input: 'in' });
  });

  it('fails a second start of a running id and replaces a finished one', async () => {
    const id = 'singleton';
    await host.client.startNew('waitForGo', { instanceId: id, input: 1 });
    await expect(host.client.startNew('waitForGo', { instanceId: id, input: 2 })).rejects.toThrow(
      /unexpected status code: 500.*An Orchestration instance with the status (Pending|Running) already exists/,
    );
    await host.client.raiseEvent(id, 'go', 'x');
    expect((await waitForTerminal(host.client, id)).output).toEqual({ got: 'x', input: 1 });
    await host.client.startNew('waitForGo', { instanceId: id, input: 3 });
    await running(id);
    expect((await host.client.getStatus(id)).input).toBe(3);
  });

  it('lets exactly one of two concurrent starts of one id succeed, round after round', async () => {
    for (let round = 0; round < 25; round++) {
      const id = `race-${round}`;
      const results = await Promise.allSettled([
        host.client.startNew('waitForGo', { instanceId: id, input: 'a' }),
        host.client.startNew('waitForGo', { instanceId: id, input: 'b' }),
        host.client.startNew('waitForGo', { instanceId: id, input: 'c' }),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    }
  });

  it('replaces a running instance when overridableExistingInstanceStates is AnyState', async () => {
    const other = await startDurableTestHost({ register: registerFunctions, overridable: 'AnyState' });
    try {
      await other.client.startNew('waitForGo', { instanceId: 'any', input: 1 });
      await other.client.startNew('waitForGo', { instanceId: 'any', input: 2 });
      await other.client.raiseEvent('any', 'go', 'y');
      expect((await waitForTerminal(other.client, 'any')).output).toEqual({ got: 'y', input: 2 });
    } finally {
      await other.close();
    }
  });

  it('fails the instance with a clear message when a replay schedules different work', async () => {
    useRenamedActivity = false;
    const id = await host.client.startNew('changesBetweenReplays');
    await waitFor(async () => {
      const res = await fetch(`${host.baseUrl}/runtime/webhooks/durabletask/instances/${id}?showHistory=true`);
      const body = (await res.json()) as { historyEvents?: { EventType: string }[] };
      return body.historyEvents?.some((e) => e.EventType === 'TaskCompleted') ? true : undefined;
    });
    useRenamedActivity = true;
    await host.client.raiseEvent(id, 'go', null);
    const status = await waitForTerminal(host.client, id);
    expect(status.runtimeStatus).toBe('Failed');
    expect(status.output).toMatch(
      /Non-deterministic workflow detected: .*activity 'stepA' with sequence ID 0, but the replay scheduled activity 'stepB'/,
    );
  });

  it('fails an orchestration whose activity throws, with the activity error in the output', async () => {
    const id = await host.client.startNew('failsInActivity');
    const status = await waitForTerminal(host.client, id);
    expect(status.runtimeStatus).toBe('Failed');
    expect(status.output).toContain(
      "Orchestrator function 'failsInActivity' failed: Activity function 'explode' failed: kaboom",
    );
    expect(String(status.output)).not.toMatch(/\bat .*\.js:\d+/);
  });

  it('purges one instance and instances matching a filter', async () => {
    const from = new Date(Date.now() - 60_000);
    const ids = await Promise.all(
      [1, 2, 3].map((n) => host.client.startNew('waitForGo', { instanceId: `purge-${n}` })),
    );
    for (const id of ids) await host.client.raiseEvent(id, 'go', 1);
    for (const id of ids) await waitForTerminal(host.client, id);
    const keep = await host.client.startNew('waitForGo', { instanceId: 'purge-running' });
    expect((await host.client.purgeInstanceHistory('purge-1')).instancesDeleted).toBe(1);
    expect((await host.client.purgeInstanceHistory('purge-1')).instancesDeleted).toBe(0);
    const result = await host.client.purgeInstanceHistoryBy({
      createdTimeFrom: from,
      runtimeStatus: [df.OrchestrationRuntimeStatus.Completed, df.OrchestrationRuntimeStatus.Running],
    });
    expect(result.instancesDeleted).toBe(2);
    await expect(host.client.getStatus('purge-2')).rejects.toThrow(/404/);
    expect((await host.client.getStatus(keep)).runtimeStatus).not.toBe('Completed');
  });

  it('lists instances with status, prefix and time filters across continuation pages', async () => {
    const ids = Array.from({ length: 130 }, (_, n) => `list-${String(n).padStart(3, '0')}`);
    for (const id of ids) await host.client.startNew('waitForGo', { instanceId: id });
    await host.client.raiseEvent('list-000', 'go', 0);
    await waitForTerminal(host.client, 'list-000');
    const all = await host.client.getStatusAll();
    expect(all.map((s) => s.instanceId).sort()).toEqual(ids);
    const completed = await host.client.getStatusBy({ runtimeStatus: [df.OrchestrationRuntimeStatus.Completed] });
    expect(completed.map((s) => s.instanceId)).toEqual(['list-000']);
    const future = await host.client.getStatusBy({ createdTimeFrom: new Date(Date.now() + 60_000) });
    expect(future).toEqual([]);
    const res = await fetch(`${host.baseUrl}/runtime/webhooks/durabletask/instances/?instanceIdPrefix=list-12&top=5`);
    const page = (await res.json()) as { instanceId: string }[];
    expect(page.map((s) => s.instanceId)).toEqual(['list-120', 'list-121', 'list-122', 'list-123', 'list-124']);
    expect(res.headers.get('x-ms-continuation-token')).toBeTruthy();
  });

  it('builds check-status responses on the caller origin and waits for completion', async () => {
    const id = await host.client.startNew('waitForGo', { input: 'w' });
    const request = new HttpRequest({ method: 'GET', url: `${host.baseUrl}/api/start` });
    const pending = host.client.createCheckStatusResponse(request, id);
    expect(pending.status).toBe(202);
    const payload = (await pending.json()) as Record<string, string>;
    expect(payload.statusQueryGetUri).toBe(
      `${host.baseUrl}/runtime/webhooks/durabletask/instances/${id}?taskHub=TestHubName&connection=Storage`,
    );
    const fromPayload = await fetch(payload.statusQueryGetUri!);
    expect(fromPayload.status).toBe(202);
    setTimeout(() => void host.client.raiseEvent(id, 'go', 'done'), 50);
    const response = await host.client.waitForCompletionOrCreateCheckStatusResponse(request, id, {
      timeoutInMilliseconds: 5000,
      retryIntervalInMilliseconds: 20,
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ got: 'done', input: 'w' });
  });
});
