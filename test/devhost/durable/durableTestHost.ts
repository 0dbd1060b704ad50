// Test harness for the durable engine: the app's functions are registered through the devhost's own
// @azure/functions-core shim and invoked by its invoker (loadFunctionApp), and a loopback HTTP server serves the
// engine's API so the real DurableClient talks to it over HTTP.
import { InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveAppLibraryDir } from '../../../devhost/core/loadFunctionsLibrary';
import { createDurableEngine } from '../../../devhost/durable/createDurableEngine';
import type { DurableEngine, OverridableStates } from '../../../devhost/durable/types';
import { loadFunctionApp } from '../../../devhost/loadFunctionApp';

const repoRoot = join(__dirname, '..', '..', '..');

export interface TestHostOptions {
  /** Registers the test's durable functions (df.app.*); called while registration is open. */
  register: () => void;
  dataDir?: string;
  overridable?: OverridableStates;
  maxActivities?: number;
  maxOrchestrators?: number;
  now?: () => Date;
}

export interface DurableTestHost {
  engine: DurableEngine;
  baseUrl: string;
  dataDir: string;
  client: df.DurableClient;
  logs: string[];
  /** Stops the engine and the server; removes the data directory unless it was given. */
  close(graceMs?: number): Promise<void>;
}

export function createTempDir(): string {
  return mkdtempSync(join(tmpdir(), 'durable-engine-'));
}

export async function startDurableTestHost(options: TestHostOptions): Promise<DurableTestHost> {
  const dataDir = options.dataDir ?? createTempDir();
  const logs: string[] = [];
  const log = (level: string, message: string): number => logs.push(`${level}: ${message}`);
  let baseUrl = '';
  let clientInput = (_origin: string): Record<string, unknown> => {
    throw new Error('The durable engine is not running yet.');
  };
  const app = await loadFunctionApp({
    register: options.register,
    appLibraryDir: () => resolveAppLibraryDir(repoRoot),
    env: process.env,
    routePrefix: 'api',
    log,
    durableClientInput: (origin) => clientInput(origin),
  });
  const engine = createDurableEngine({
    dataDir,
    hubName: 'TestHubName',
    maxConcurrentActivityFunctions: options.maxActivities ?? 20,
    maxConcurrentOrchestratorFunctions: options.maxOrchestrators ?? 20,
    overridableExistingInstanceStates: options.overridable ?? 'NonRunningStates',
    invoker: app.durableInvoker(() => baseUrl),
    log,
    now: options.now,
  });
  clientInput = (origin) => engine.clientInputData(origin);
  await engine.start();
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`);
    if (url.pathname.startsWith('/runtime/webhooks/durabletask/')) void engine.handleHttp(req, res, url);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  baseUrl = `http://127.0.0.1:${port}`;
  process.env.WEBSITE_HOSTNAME = `127.0.0.1:${port}`;
  const context = new InvocationContext({
    functionName: 'testClient',
    invocationId: randomUUID(),
    logHandler: () => undefined,
    options: {
      trigger: { type: 'httpTrigger', name: 'req' },
      extraInputs: [{ type: 'durableClient', name: 'client' }],
      extraOutputs: [],
    },
  });
  context.extraInputs.set('client', engine.clientInputData(baseUrl));
  const client = df.getClient(context);
  return {
    engine,
    baseUrl,
    dataDir,
    client,
    logs,
    async close(graceMs = 1000) {
      await engine.stop(graceMs);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (options.dataDir === undefined) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Polls `probe` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Waits until the instance reaches a terminal status and returns its status object. */
export async function waitForTerminal(
  client: df.DurableClient,
  instanceId: string,
  timeoutMs = 10_000,
): Promise<df.DurableOrchestrationStatus> {
  return waitFor(
    async () => {
      const status = await client.getStatus(instanceId);
      return ['Completed', 'Failed', 'Terminated', 'Canceled'].includes(status.runtimeStatus) ? status : undefined;
    },
    timeoutMs,
    `instance ${instanceId} to finish`,
  );
}
