import * as df from 'durable-functions';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDurableStore } from '../../../devhost/durable/createDurableStore';
import { startDurableTestHost, waitFor, waitForTerminal, type DurableTestHost } from './durableTestHost';

/** The durable functions of this file, registered anew for each host through the devhost shim. */
function registerFunctions(): void {
  df.app.activity('greet', { handler: (name: string) => `Hello ${name}!` });

  df.app.orchestration('approvalWithTimeout', function* (context) {
    const timeoutMs = context.df.getInput<number>();
    context.df.setCustomStatus('waiting');
    const deadline = new Date(context.df.currentUtcDateTime.getTime() + timeoutMs);
    const timer = context.df.createTimer(deadline);
    const approval = context.df.waitForExternalEvent('approve');
    const winner = yield context.df.Task.any([approval, timer]);
    if (winner === approval) {
      timer.cancel();
      context.df.setCustomStatus('approved');
      return { approved: approval.result };
    }
    return 'timed out';
  });

  df.app.orchestration('twoEvents', function* (context) {
    const first = yield context.df.waitForExternalEvent('first');
    const second = yield context.df.waitForExternalEvent('second');
    return [first, second];
  });

  df.app.orchestration('timerThenActivity', function* (context) {
    yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 50));
    return yield context.df.callActivity('greet', 'after timer');
  });

  df.app.orchestration('counterLoop', function* (context) {
    yield* [];
    const count = context.df.getInput<number>();
    if (count >= 3) return `final ${count}`;
    context.df.continueAsNew(count + 1);
    return undefined;
  });

  df.app.orchestration('eventLoop', function* (context) {
    const total = context.df.getInput<number>() ?? 0;
    const add = (yield context.df.waitForExternalEvent('add')) as number;
    if (add === 0) return total;
    context.df.continueAsNew(total + add);
    return undefined;
  });

  df.app.orchestration('statusSteps', function* (context) {
    context.df.setCustomStatus({ step: 1 });
    yield context.df.waitForExternalEvent('go');
    context.df.setCustomStatus({ step: 2 });
    yield context.df.waitForExternalEvent('go');
    return 'done';
  });

  df.app.orchestration('cancelThenWait', function* (context) {
    const timer = context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 3_600_000));
    const first = context.df.waitForExternalEvent('first');
    yield context.df.Task.any([first, timer]);
    timer.cancel();
    yield context.df.waitForExternalEvent('second');
    return 'both';
  });

  df.app.orchestration('hourLongTimer', function* (context) {
    yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 3_600_000));
    return 'an hour later';
  });
}

describe('durable engine: timers, external events, continueAsNew, custom status', () => {
  let host: DurableTestHost;
  beforeEach(async () => {
    host = await startDurableTestHost({ register: registerFunctions });
  });
  afterEach(async () => {
    await host.close();
  });

  const statusOf = (id: string) => host.client.getStatus(id);

  it('lets an external event win against a timer', async () => {
    const id = await host.client.startNew('approvalWithTimeout', { input: 60_000 });
    await waitFor(async () => ((await statusOf(id)).customStatus === 'waiting' ? true : undefined));
    await host.client.raiseEvent(id, 'approve', { by: 'me' });
    const status = await waitForTerminal(host.client, id);
    expect(status.output).toEqual({ approved: { by: 'me' } });
    expect(status.customStatus).toBe('approved');
  });

  it('lets the timer win when no event arrives', async () => {
    const id = await host.client.startNew('approvalWithTimeout', { input: 100 });
    const status = await waitForTerminal(host.client, id);
    expect(status.output).toBe('timed out');
    expect(status.customStatus).toBe('waiting');
  });

  it('buffers events raised before the orchestrator waits for them', async () => {
    const id = await host.client.startNew('twoEvents');
    await host.client.raiseEvent(id, 'second', 2);
    await host.client.raiseEvent(id, 'first', 1);
    const status = await waitForTerminal(host.client, id);
    expect(status.output).toEqual([1, 2]);
  });

  it('fires a durable timer and continues afterwards', async () => {
    const id = await host.client.startNew('timerThenActivity');
    const status = await waitForTerminal(host.client, id);
    expect(status.output).toBe('Hello after timer!');
  });

  it('continues as new with the new input until the orchestrator returns', async () => {
    const id = await host.client.startNew('counterLoop', { input: 0 });
    const status = await waitForTerminal(host.client, id);
    expect(status.output).toBe('final 3');
  });

  it('carries events that were not consumed yet into the next execution', async () => {
    const id = await host.client.startNew('eventLoop', { input: 0 });
    for (const value of [1, 2, 3, 0]) await host.client.raiseEvent(id, 'add', value);
    const status = await waitForTerminal(host.client, id);
    expect(status.output).toBe(6);
  });

  it('publishes the custom status set by each episode', async () => {
    const id = await host.client.startNew('statusSteps');
    await waitFor(async () => ((await statusOf(id)).customStatus !== null ? true : undefined));
    expect((await statusOf(id)).customStatus).toEqual({ step: 1 });
    await host.client.raiseEvent(id, 'go', null);
    await waitFor(async () => (JSON.stringify((await statusOf(id)).customStatus) === '{"step":2}' ? true : undefined));
    await host.client.raiseEvent(id, 'go', null);
    expect((await waitForTerminal(host.client, id)).output).toBe('done');
  });

  it('drops the pending timer of a cancelled durable timer', async () => {
    const id = await host.client.startNew('cancelThenWait');
    const store = createDurableStore(host.dataDir, 'TestHubName');
    try {
      const pendingTimers = () => store.futureTimers(Date.now()).filter((t) => t.instanceId === id).length;
      await waitFor(() => (pendingTimers() === 1 ? true : undefined));
      await host.client.raiseEvent(id, 'first', 1);
      await waitFor(() => (pendingTimers() === 0 ? true : undefined));
      expect((await statusOf(id)).runtimeStatus).toBe(df.OrchestrationRuntimeStatus.Running);
      await host.client.raiseEvent(id, 'second', 2);
      expect((await waitForTerminal(host.client, id)).output).toBe('both');
    } finally {
      store.close();
    }
  });
});

describe('durable engine: injected clock', () => {
  it('fires a one-hour timer as soon as the injected clock passes its due time', async () => {
    let offsetMs = 0;
    const host = await startDurableTestHost({
      register: registerFunctions,
      now: () => new Date(Date.now() + offsetMs),
    });
    try {
      const id = await host.client.startNew('hourLongTimer');
      await waitFor(async () =>
        (await host.client.getStatus(id)).runtimeStatus === df.OrchestrationRuntimeStatus.Running ? true : undefined,
      );
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect((await host.client.getStatus(id)).runtimeStatus).toBe(df.OrchestrationRuntimeStatus.Running);
      offsetMs = 3_600_000;
      expect((await waitForTerminal(host.client, id, 5000)).output).toBe('an hour later');
    } finally {
      await host.close();
    }
  });
});
