// The public webhook API answers with the real extension's status codes.
import * as df from 'durable-functions';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startDurableTestHost, waitForTerminal, type DurableTestHost } from './durableTestHost';

/** The durable functions of this file, registered anew for each host through the devhost shim. */
function registerFunctions(): void {
  df.app.activity('double', { handler: (n: number) => n * 2 });
  df.app.orchestration('doubleIt', function* (context) {
    return yield context.df.callActivity('double', context.df.getInput<number>());
  });
  df.app.orchestration('waitForever', function* (context) {
    yield context.df.waitForExternalEvent('never');
    return 'no';
  });
  df.app.orchestration('throwsAtOnce', function* () {
    yield* [];
    throw new Error('early failure');
  });
}

describe('durable engine: webhook API', () => {
  let host: DurableTestHost;
  let api: string;
  beforeEach(async () => {
    host = await startDurableTestHost({ register: registerFunctions });
    api = `${host.baseUrl}/runtime/webhooks/durabletask`;
  });
  afterEach(async () => {
    await host.close();
  });

  const post = (path: string, body?: string, contentType = 'application/json') =>
    fetch(`${api}/${path}`, { method: 'POST', body, headers: { 'content-type': contentType } });

  it('starts an instance with 202, a Location header and management URLs on the caller origin', async () => {
    const res = await post('orchestrators/doubleIt/web-1', '21');
    expect(res.status).toBe(202);
    const body = (await res.json()) as Record<string, string>;
    expect(body.id).toBe('web-1');
    expect(res.headers.get('location')).toBe(body.statusQueryGetUri);
    expect(body.statusQueryGetUri).toBe(`${api}/instances/web-1?taskHub=TestHubName&connection=Storage`);
    expect(body.sendEventPostUri).toContain('/instances/web-1/raiseEvent/{eventName}');
    expect((await waitForTerminal(host.client, 'web-1')).output).toBe(42);
    const done = await fetch(body.statusQueryGetUri!);
    expect(done.status).toBe(200);
  });

  it('keeps a percent sign that starts no escape in an instance id, as the SDK sends it unencoded', async () => {
    const id = await host.client.startNew('doubleIt', { instanceId: '50%off', input: 4 });
    expect(id).toBe('50%off');
    expect((await waitForTerminal(host.client, id)).output).toBe(8);
    expect(host.logs.filter((line) => line.startsWith('error'))).toEqual([]);
  });

  it('waits for the result when the start request carries timeout and pollingInterval', async () => {
    const res = await post('orchestrators/doubleIt?timeout=10&pollingInterval=1', '5');
    expect(res.status).toBe(200);
    expect(await res.json()).toBe(10);
  });

  it('rejects unknown orchestrators, bad ids and bad JSON with 400', async () => {
    const unknown = await post('orchestrators/noSuchThing');
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { Message: string }).Message).toContain(
      "The function 'noSuchThing' doesn't exist",
    );
    expect((await post('orchestrators/doubleIt/@bad')).status).toBe(400);
    expect((await post('orchestrators/doubleIt/ok', '{not json')).status).toBe(400);
  });

  it('answers 404 for unknown instances and routes, 202 while running, 410 once finished', async () => {
    expect((await fetch(`${api}/instances/missing`)).status).toBe(404);
    expect((await post('instances/missing/terminate?reason=x')).status).toBe(404);
    expect((await fetch(`${api}/nothing-here`)).status).toBe(404);
    await post('orchestrators/waitForever/live');
    const running = await fetch(`${api}/instances/live`);
    expect(running.status).toBe(202);
    expect(running.headers.get('retry-after')).toBe('5');
    expect((await post('instances/live/raiseEvent/other', '"x"', 'text/plain')).status).toBe(400);
    expect((await post('instances/live/raiseEvent/other', '"x"')).status).toBe(202);
    expect((await post('instances/live/terminate?reason=enough')).status).toBe(202);
    await waitForTerminal(host.client, 'live');
    expect((await post('instances/live/terminate?reason=again')).status).toBe(410);
    expect((await post('instances/live/raiseEvent/never', '1')).status).toBe(410);
  });

  it('reports a failed orchestrator with 200, or 500 when asked, and rewind as not supported', async () => {
    await post('orchestrators/throwsAtOnce/broken');
    const status = await waitForTerminal(host.client, 'broken');
    expect(status.runtimeStatus).toBe('Failed');
    expect(status.output).toBe("Orchestrator function 'throwsAtOnce' failed: early failure");
    expect((await fetch(`${api}/instances/broken`)).status).toBe(200);
    expect((await fetch(`${api}/instances/broken?returnInternalServerErrorOnFailure=true`)).status).toBe(500);
    expect((await post('instances/broken/rewind?reason=again')).status).toBe(501);
    await expect(host.client.rewind('broken', 'again')).rejects.toThrow();
  });

  it('requires createdTimeFrom for purge by filter and answers entity calls with a clear 501', async () => {
    const purge = await fetch(`${api}/instances/`, { method: 'DELETE' });
    expect(purge.status).toBe(400);
    const entity = await post('entities/counter/k1?op=add', '1');
    expect(entity.status).toBe(501);
    expect(((await entity.json()) as { Message: string }).Message).toMatch(/entities are not supported/);
  });

  it('shows history with inputs and outputs only when asked', async () => {
    await post('orchestrators/doubleIt/hist', '4');
    await waitForTerminal(host.client, 'hist');
    const plain = (await (await fetch(`${api}/instances/hist`)).json()) as Record<string, unknown>;
    expect(plain.historyEvents).toBeUndefined();
    expect(plain.input).toBe(4);
    const res = await fetch(`${api}/instances/hist?showHistory=true&showHistoryOutput=true`);
    const body = (await res.json()) as { historyEvents: Record<string, unknown>[] };
    expect(body.historyEvents.map((e) => e.EventType)).toEqual([
      'ExecutionStarted',
      'TaskCompleted',
      'ExecutionCompleted',
    ]);
    expect(body.historyEvents[0]).toMatchObject({ FunctionName: 'doubleIt', Input: 4 });
    expect(body.historyEvents[1]).toMatchObject({ FunctionName: 'double', Result: 8 });
    expect(body.historyEvents[2]).toMatchObject({ OrchestrationStatus: 'Completed', Result: 8 });
  });
});
