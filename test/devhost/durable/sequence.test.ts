import * as df from 'durable-functions';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startDurableTestHost, waitForTerminal, type DurableTestHost } from './durableTestHost';

/** The durable functions of this file, registered anew for each host through the devhost shim. */
function registerFunctions(): void {
  df.app.activity('sayHello', { handler: (name: string) => `Hello ${name}!` });
  df.app.orchestration('helloSequence', function* (context) {
    const outputs: unknown[] = [];
    outputs.push(yield context.df.callActivity('sayHello', 'Tokyo'));
    outputs.push(yield context.df.callActivity('sayHello', 'Seattle'));
    outputs.push(yield context.df.callActivity('sayHello', 'London'));
    return outputs;
  });
  df.app.orchestration('fanOutFanIn', function* (context) {
    const count = context.df.getInput<number>();
    const tasks = [];
    for (let i = 0; i < count; i++) tasks.push(context.df.callActivity('sayHello', `#${i}`));
    const results = (yield context.df.Task.all(tasks)) as string[];
    return { count: results.length, first: results[0], last: results[results.length - 1] };
  });
}

describe('durable engine: chaining and fan-out', () => {
  let host: DurableTestHost;
  beforeEach(async () => {
    host = await startDurableTestHost({ register: registerFunctions });
  });
  afterEach(async () => {
    await host.close();
  });

  it('runs a function chain and returns each activity result in order', async () => {
    const id = await host.client.startNew('helloSequence');
    const status = await waitForTerminal(host.client, id);
    expect(status.runtimeStatus).toBe('Completed');
    expect(status.output).toEqual(['Hello Tokyo!', 'Hello Seattle!', 'Hello London!']);
  });

  it('fans out to many activities and gathers every result', async () => {
    const id = await host.client.startNew('fanOutFanIn', { input: 50 });
    const status = await waitForTerminal(host.client, id);
    expect(status.output).toEqual({ count: 50, first: 'Hello #0!', last: 'Hello #49!' });
  });
});
