// InvocationContext values compared with what the Node worker and the library build from the host's request.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTempDir, fixture, setEnv, startTestHost, waitFor, type TestHost } from '../devhostTestSupport.js';

let host: TestHost;
let dataDir: string;
let restoreEnv: () => void;

beforeAll(async () => {
  dataDir = createTempDir();
  restoreEnv = setEnv({ FIXTURE_EVENTS_FILE: path.join(dataDir, 'events.jsonl'), CONTEXT_SCHEDULE: '0 0 0 1 1 *' });
  host = await startTestHost({ appDir: fixture('hooks-app'), dataDir });
});

afterAll(async () => {
  await host.stop();
  restoreEnv();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

type ContextView = Record<string, unknown> & { traceContext: { traceParent: string; traceState: string } };
const contextOf = async (headers: Record<string, string> = {}): Promise<ContextView> =>
  (await (await fetch(`${host.url}/api/context/7`, { headers })).json()) as ContextView;

describe('invocation context', () => {
  it('names the invocation and the function, with a fresh invocation id each time', async () => {
    const [first, second] = [await contextOf(), await contextOf()];
    expect(first['functionName']).toBe('context');
    expect(first['invocationId']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(second['invocationId']).not.toBe(first['invocationId']);
  });

  it('gives options as the worker does: bindings as registered, named by their metadata key, $return included', async () => {
    // The function changes its options after reading them; every invocation must see the registered ones.
    await contextOf();
    const { options } = await contextOf();
    expect(options).toEqual({
      trigger: {
        type: 'httpTrigger',
        direction: 'in',
        authLevel: 'anonymous',
        methods: ['GET'],
        route: 'context/{id}',
        name: expect.stringMatching(/^httpTrigger[0-9a-f]{10}$/) as string,
        properties: { supportsDeferredBinding: 'false' },
      },
      return: { type: 'http', direction: 'out', name: '$return' },
      extraInputs: [],
      extraOutputs: [],
    });
  });

  it('leaves triggerMetadata and retryContext undefined for an HTTP function without a retry policy', async () => {
    const view = await contextOf();
    expect(view['triggerMetadata']).toBe('undefined');
    expect(view['retryContext']).toBe('undefined');
  });

  it('continues the caller trace in traceContext, or starts one, as the host does for every invocation', async () => {
    const parent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const continued = await contextOf({ traceparent: parent, tracestate: 'congo=t61rcWkgMzE' });
    expect(continued.traceContext).toEqual({
      traceParent: expect.stringMatching(/^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-01$/) as string,
      traceState: 'congo=t61rcWkgMzE',
      attributes: {},
    });
    expect(continued.traceContext.traceParent).not.toBe(parent);
    const fresh = await contextOf();
    expect(fresh.traceContext.traceParent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/);
    expect(fresh.traceContext.traceState).toBe('');
  });

  it('keeps a %setting% in the options unresolved, and gives a timer no triggerMetadata', async () => {
    const timer = await waitFor(
      async () => ((await (await fetch(`${host.url}/api/observed`)).json()) as { timer: unknown }).timer ?? undefined,
      10_000,
      'the timer run',
    );
    expect(timer).toEqual({
      schedule: '%CONTEXT_SCHEDULE%',
      triggerMetadata: 'undefined',
      traceParent: expect.stringMatching(/^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/) as string,
    });
  });

  it('warns about a log call after the function finished, but not about one from postInvocation', async () => {
    await fetch(`${host.url}/api/lateLog`);
    await waitFor(() => host.logs.some((line) => line.message === '[lateLog] logged too late'), 5_000, 'the late log');
    const warnings = host.logs.filter((line) => line.message.includes("Unexpected call to 'log'"));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toEqual({
      level: 'warning',
      message: expect.stringMatching(
        /^Warning: Unexpected call to 'log' on the context object after function execution has completed\. Please check for asynchronous calls that are not awaited\. Function name: lateLog\. Invocation Id: [0-9a-f-]{36}\.$/,
      ) as string,
    });
    expect(host.logs.some((line) => line.message === '[lateLog] logged by postInvocation')).toBe(true);
  });
});
