import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTempDir, fixture, startTestHost, waitFor, type TestHost } from './devhostTestSupport.js';

// The core's side of the durable contract: engine options from host.json, the durableClient binding, the webhook
// prefix and the invoker. The engine's own semantics are tested in test/devhost/durable/.
let host: TestHost;
let dataDir: string;

beforeAll(async () => {
  dataDir = createTempDir();
  host = await startTestHost({ appDir: fixture('durable-app'), dataDir });
});

afterAll(async () => {
  await host.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

interface CheckStatus {
  id: string;
  statusQueryGetUri: string;
}

describe('durable functions through the devhost', () => {
  it('lists orchestration and activity functions next to the client HTTP function', () => {
    const kinds = Object.fromEntries(host.functions.map((fn) => [fn.name, fn.kind]));
    expect(kinds).toMatchObject({ sayHello: 'activity', helloSequence: 'orchestration', startHello: 'http' });
  });

  it('starts an orchestration from a client function and serves its status on the devhost origin', async () => {
    const start = await fetch(`${host.url}/api/start/Tokyo`, { method: 'POST' });
    expect(start.status).toBe(202);
    const payload = (await start.json()) as CheckStatus;
    expect(
      payload.statusQueryGetUri.startsWith(`${host.url}/runtime/webhooks/durabletask/instances/${payload.id}`),
    ).toBe(true);
    expect(payload.statusQueryGetUri).toContain('taskHub=FixtureHub');
    const status = await waitFor(
      async () => {
        const body = (await (await fetch(payload.statusQueryGetUri)).json()) as {
          runtimeStatus: string;
          output: unknown;
        };
        return body.runtimeStatus === 'Completed' ? body : undefined;
      },
      20_000,
      'the orchestration to complete',
    );
    expect(status.output).toEqual(['Hello Tokyo', 'Hello again']);
    // Activities go through the core's invoker, so invocation hooks see them.
    expect(await (await fetch(`${host.url}/api/activityRuns`)).json()).toEqual({ activityRuns: 2 });
  });

  it('answers unknown durable webhook paths without reaching user routes', async () => {
    const response = await fetch(`${host.url}/runtime/webhooks/durabletask/instances/does-not-exist`);
    expect(response.status).toBe(404);
  });
});
