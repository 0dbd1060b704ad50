import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDurableEngine } from '../../devhost/durable/createDurableEngine.js';
import { createTempDir, fixture, startTestHost, waitFor, type TestHost } from './devhostTestSupport.js';

// The scenarios of the published Durable Functions samples, end to end over HTTP through the devhost: an HTTP
// starter answers with the check-status payload and the test follows its URLs, as the samples' READMEs do.
let host: TestHost;
let dataDir: string;
// The durable engine's clock runs this far ahead of the wall clock, so a test can make a long timer due.
let clockOffsetMs = 0;

beforeAll(async () => {
  dataDir = createTempDir();
  host = await startTestHost({
    appDir: fixture('scenario-app'),
    dataDir,
    createDurableEngine: (options) =>
      createDurableEngine({ ...options, now: () => new Date(Date.now() + clockOffsetMs) }),
  });
});

afterAll(async () => {
  await host.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

interface CheckStatus {
  id: string;
  statusQueryGetUri: string;
  sendEventPostUri: string;
  terminatePostUri: string;
}

interface Status {
  runtimeStatus: string;
  output: unknown;
  customStatus: unknown;
}

async function start(orchestrator: string, input?: unknown): Promise<CheckStatus> {
  const response = await fetch(`${host.url}/api/orchestrators/${orchestrator}`, {
    method: 'POST',
    body: input === undefined ? '' : JSON.stringify(input),
  });
  expect(response.status).toBe(202);
  const payload = (await response.json()) as CheckStatus;
  expect(response.headers.get('location')).toBe(payload.statusQueryGetUri);
  return payload;
}

async function readStatus(payload: CheckStatus): Promise<Status> {
  return (await (await fetch(payload.statusQueryGetUri)).json()) as Status;
}

async function waitForFinish(payload: CheckStatus): Promise<Status> {
  return waitFor(
    async () => {
      const status = await readStatus(payload);
      return ['Pending', 'Running'].includes(status.runtimeStatus) ? undefined : status;
    },
    20_000,
    `instance ${payload.id} to finish`,
  );
}

describe('published sample scenarios through the devhost', () => {
  it('chains three activities and returns their greetings in order, with the custom status', async () => {
    const status = await waitForFinish(await start('greetCitiesInTurn'));
    expect(status).toMatchObject({
      runtimeStatus: 'Completed',
      output: ['Hello Tokyo!', 'Hello Seattle!', 'Hello London!'],
      customStatus: 'greeted 3 cities',
    });
  });

  it('fans out to one activity per city and fans the results back in, in input order', async () => {
    const cities = Array.from({ length: 25 }, (_, i) => `City${i}`);
    const status = await waitForFinish(await start('greetCitiesAtOnce', cities));
    expect(status.runtimeStatus).toBe('Completed');
    expect(status.output).toEqual({ count: 25, greetings: cities.map((city) => `Hello ${city}!`) });
  });

  it('retries a failing activity until it succeeds, and reports the last failure when attempts run out', async () => {
    const succeeded = await waitForFinish(await start('greetDespiteFailures', { failures: 2, maxAttempts: 3 }));
    expect(succeeded).toMatchObject({ runtimeStatus: 'Completed', output: 'Hello Cairo! (attempt 3)' });
    const gaveUp = await waitForFinish(await start('greetDespiteFailures', { failures: 5, maxAttempts: 2 }));
    expect(gaveUp.runtimeStatus).toBe('Completed');
    expect(gaveUp.output).toMatch(/^gave up: .*flakyGreet failed on attempt 2/);
  });

  it('retries a failing sub-orchestration under the same child id until it succeeds', async () => {
    const payload = await start('callChildWithRetry', { failures: 2 });
    const status = await waitForFinish(payload);
    expect(status).toMatchObject({
      runtimeStatus: 'Completed',
      output: { childId: `${payload.id}:0`, result: 'child succeeded on attempt 3' },
    });
    const child = await fetch(payload.statusQueryGetUri.replace(payload.id, encodeURIComponent(`${payload.id}:0`)));
    expect(((await child.json()) as Status).runtimeStatus).toBe('Completed');
  });

  it('lets an external event win the race against a durable timer, which is then cancelled', async () => {
    const payload = await start('awaitApproval', { timeoutMinutes: 60 });
    await waitFor(async () => (await readStatus(payload)).runtimeStatus === 'Running', 10_000, 'the wait to begin');
    const raised = await fetch(payload.sendEventPostUri.replace('{eventName}', 'Approval'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ by: 'Ada' }),
    });
    expect(raised.status).toBe(202);
    // The hour-long timer never became due, yet the instance completes: the cancelled timer does not hold it.
    expect(await waitForFinish(payload)).toMatchObject({ runtimeStatus: 'Completed', output: 'approved by Ada' });
  });

  it('lets the durable timer win the race when no event arrives before it is due', async () => {
    const payload = await start('awaitApproval', { timeoutMinutes: 30 });
    await waitFor(async () => (await readStatus(payload)).runtimeStatus === 'Running', 10_000, 'the wait to begin');
    expect((await readStatus(payload)).runtimeStatus).toBe('Running');
    clockOffsetMs += 31 * 60_000;
    expect(await waitForFinish(payload)).toMatchObject({ runtimeStatus: 'Completed', output: 'timed out' });
  });

  it('answers a synchronous start with 200 and the output when the instance finishes in time', async () => {
    const response = await fetch(`${host.url}/api/orchestrators/wait/greetCitiesInTurn?timeoutMs=10000`, {
      method: 'POST',
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(['Hello Tokyo!', 'Hello Seattle!', 'Hello London!']);
  });

  it('answers a synchronous start with 202 and the check-status payload when the wait times out', async () => {
    const response = await fetch(`${host.url}/api/orchestrators/wait/awaitApproval?timeoutMs=300&retryIntervalMs=50`, {
      method: 'POST',
      body: JSON.stringify({ timeoutMinutes: 600 }),
    });
    expect(response.status).toBe(202);
    const payload = (await response.json()) as CheckStatus;
    expect(response.headers.get('location')).toBe(payload.statusQueryGetUri);
    expect((await readStatus(payload)).runtimeStatus).toBe('Running');
    const terminated = await fetch(payload.terminatePostUri.replace('{text}', 'test%20done'), { method: 'POST' });
    expect(terminated.status).toBe(202);
    expect(await waitForFinish(payload)).toMatchObject({ runtimeStatus: 'Terminated', output: 'test done' });
  });
});
