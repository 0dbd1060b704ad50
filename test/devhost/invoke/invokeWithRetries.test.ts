import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createTempDir,
  fixture,
  readLines,
  setEnv,
  startTestHost,
  waitFor,
  type TestHost,
} from '../devhostTestSupport.js';

interface Attempt {
  name: string;
  at: number;
  retryContext: {
    retryCount: number;
    maxRetryCount: number;
    exception?: { message: string; source: string; stackTrace: string };
  } | null;
}

const retryFunctions = ['fixedRetry', 'backoffRetry', 'recovers', 'forever', 'httpWithRetry', 'badRetry'];
let dataDir: string;
let eventsFile: string;
let restoreEnv: () => void = () => undefined;
let host: TestHost | undefined;

/** Starts the retry app with only the named functions enabled. */
async function startWith(enabled: string[], env: Record<string, string> = {}): Promise<TestHost> {
  dataDir = createTempDir();
  eventsFile = path.join(dataDir, 'events.jsonl');
  const disabled = Object.fromEntries(
    retryFunctions.map((name) => [`AzureWebJobs.${name}.Disabled`, enabled.includes(name) ? undefined : 'true']),
  );
  restoreEnv = setEnv({ FIXTURE_EVENTS_FILE: eventsFile, WEBSITE_TIME_ZONE: 'UTC', ...disabled, ...env });
  host = await startTestHost({ appDir: fixture('retry-app'), dataDir });
  return host;
}

afterEach(async () => {
  await host?.stop();
  host = undefined;
  restoreEnv();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const attempts = (name: string): Attempt[] =>
  readLines(eventsFile)
    .map((line) => JSON.parse(line) as Attempt)
    .filter((attempt) => attempt.name === name);

const gaps = (list: Attempt[]): number[] => list.slice(1).map((attempt, i) => attempt.at - list[i]!.at);
const logged = (h: TestHost, pattern: RegExp): boolean => h.logs.some((line) => pattern.test(line.message));

describe('function retry policies', () => {
  it('retries a timer function with fixed delays, stops at maxRetryCount and only then takes the next tick', async () => {
    const h = await startWith(['fixedRetry']);
    const list = await waitFor(() => attempts('fixedRetry').length >= 4 && attempts('fixedRetry'), 20_000, '4 runs');
    // Attempts 0, 1 and 2 of one execution, then attempt 0 of the next occurrence: executions never overlap.
    expect(list.slice(0, 4).map((a) => a.retryContext?.retryCount)).toEqual([0, 1, 2, 0]);
    expect(list[0]!.retryContext).toEqual({ retryCount: 0, maxRetryCount: 2 });
    expect(list[1]!.retryContext).toMatchObject({ retryCount: 1, maxRetryCount: 2 });
    expect(list[1]!.retryContext?.exception?.message).toMatch(/Exception: fixed attempt 0 failed\nStack: Error: fixed/);
    expect(list[2]!.retryContext?.exception?.message).toMatch(/Exception: fixed attempt 1 failed/);
    for (const gap of gaps(list.slice(0, 3))) {
      expect(gap).toBeGreaterThanOrEqual(950);
      expect(gap).toBeLessThan(3_000);
    }
    expect(
      logged(
        h,
        /\[fixedRetry\] Waiting for `00:00:01` before retrying function execution\. Next attempt: '1'\. Max retry count: '2'\./,
      ),
    ).toBe(true);
    expect(logged(h, /\[fixedRetry\] Function execution failed after '2' retries\./)).toBe(true);
  });

  it('backs off exponentially from minimumInterval, with jitter, and gives up after maxRetryCount', async () => {
    const h = await startWith(['backoffRetry']);
    await waitFor(() => logged(h, /\[backoffRetry\] Function execution failed after '2' retries/), 20_000, 'give-up');
    const list = attempts('backoffRetry');
    expect(list.map((a) => a.retryContext?.retryCount)).toEqual([0, 1, 2]);
    expect(list[2]!.retryContext).toMatchObject({ retryCount: 2, maxRetryCount: 2 });
    const [first, second] = gaps(list) as [number, number];
    // 1 s, then 1 s + 1 s × (0.8 to 1.2): 1.8 s to 2.2 s.
    expect(first).toBeGreaterThanOrEqual(950);
    expect(first).toBeLessThan(1_750);
    expect(second).toBeGreaterThanOrEqual(1_750);
    expect(second).toBeLessThan(3_500);
  });

  it('stops retrying once an attempt succeeds and gives attempt 0 a retryContext without an exception', async () => {
    const h = await startWith(['recovers']);
    await waitFor(() => logged(h, /Executed 'Functions\.recovers' \(Succeeded/), 20_000, 'the successful retry');
    const list = attempts('recovers');
    expect(list.map((a) => a.retryContext)).toEqual([
      { retryCount: 0, maxRetryCount: 3 },
      {
        retryCount: 1,
        maxRetryCount: 3,
        exception: {
          message: expect.stringMatching(
            /^Microsoft\.Azure\.WebJobs\.Host\.FunctionInvocationException : Exception while executing function: Functions\.recovers ---> .*RpcException : Result: Failure\nException: first attempt failed\n/,
          ) as string,
          source: '',
          stackTrace: '',
        },
      },
    ]);
  });

  it('never retries an HTTP function, warns about its policy at start-up and passes no retryContext', async () => {
    const h = await startWith(['httpWithRetry']);
    expect(logged(h, /Retries are not supported for function 'Functions\.httpWithRetry' \(httpTrigger\)/)).toBe(true);
    const response = await fetch(`${h.url}/api/httpWithRetry`);
    expect(response.status).toBe(500);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(attempts('httpWithRetry')).toEqual([expect.objectContaining({ retryContext: null })]);
  });

  it('retries without end for maxRetryCount -1, and abandons a pending retry when the host stops', async () => {
    const h = await startWith(['forever']);
    await waitFor(() => attempts('forever').length >= 3, 20_000, 'three attempts');
    expect(attempts('forever')[2]!.retryContext).toMatchObject({ retryCount: 2, maxRetryCount: -1 });
    await waitFor(() => logged(h, /\[forever\] Waiting for .* Next attempt: '3'/), 5_000, 'the third wait');
    const count = attempts('forever').length;
    await h.stop();
    host = undefined;
    expect(logged(h, /\[forever\] Invocation cancelled - exiting retry loop\./)).toBe(true);
    // The 1 s delay has long passed by now: nothing ran after stop.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(attempts('forever')).toHaveLength(count);
  });

  it('lists a function with an invalid retry policy as unavailable, as the host refuses to index it', async () => {
    const h = await startWith(['badRetry']);
    expect(h.functions.find((fn) => fn.name === 'badRetry')?.problems).toEqual([
      'The retry policy is invalid: the minimumInterval must not be greater than the maximumInterval.',
    ]);
  });

  it('fails loading an app that registers an unknown retry strategy, as the worker does', async () => {
    await expect(startWith([], { RETRY_APP_UNKNOWN_STRATEGY: '1' })).rejects.toThrow(
      /Unexpected value "linear" for type "CoreRpcRetryStrategy"/,
    );
  });
});
