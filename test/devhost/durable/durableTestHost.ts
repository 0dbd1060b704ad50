// Test harness for the durable engine: a minimal @azure/functions-core shim (reference §1.1) so the real
// @azure/functions and durable-functions register handlers, an invoker that calls them directly (§1.5), and a
// loopback HTTP server serving the engine's API so the real DurableClient talks to it over HTTP.
import { InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import Module from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDurableEngine } from '../../../devhost/durable/createDurableEngine';
import type { DurableEngine, DurableFunctionInvoker, OverridableStates } from '../../../devhost/durable/types';

type Callback = (trigger: unknown, context: InvocationContext) => unknown;
interface Registered {
  metadata: { name: string; bindings: Record<string, { type: string; direction: string }> };
  callback: Callback;
}

const registry = new Map<string, Registered>();

class Disposable {
  constructor(private readonly fn: () => void) {}
  dispose(): void {
    this.fn();
  }
  static from(...items: { dispose(): void }[]): Disposable {
    return new Disposable(() => items.forEach((item) => item.dispose()));
  }
}

const coreApi = {
  version: '3.10.0',
  hostVersion: '4.1040.0',
  registerFunction(metadata: Registered['metadata'], callback: Callback) {
    registry.set(metadata.name, { metadata, callback });
    return new Disposable(() => registry.delete(metadata.name));
  },
  registerHook: () => new Disposable(() => undefined),
  setProgrammingModel: () => undefined,
  getProgrammingModel: () => undefined,
  log: () => undefined,
  Disposable,
};

type RequireFn = (this: unknown, id: string) => unknown;
const moduleProto = Module.prototype as unknown as { require: RequireFn };
const originalRequire = moduleProto.require;
moduleProto.require = function (this: unknown, id: string): unknown {
  if (id === '@azure/functions-core') return coreApi;
  return originalRequire.call(this, id);
};

function triggerTypeOf(entry: Registered): string {
  const trigger = Object.values(entry.metadata.bindings).find((b) => b.direction === 'in' && /trigger$/i.test(b.type));
  return trigger?.type.toLowerCase() ?? '';
}

function namesOf(type: string): ReadonlySet<string> {
  return new Set([...registry.values()].filter((e) => triggerTypeOf(e) === type).map((e) => e.metadata.name));
}

function contextFor(name: string, triggerType: string, triggerMetadata?: Record<string, unknown>): InvocationContext {
  return new InvocationContext({
    functionName: name,
    invocationId: randomUUID(),
    logHandler: () => undefined,
    triggerMetadata,
    options: { trigger: { type: triggerType, name: 'trigger' }, extraInputs: [], extraOutputs: [] },
  });
}

function callbackOf(name: string): Callback {
  const entry = registry.get(name);
  if (entry === undefined) throw new Error(`No function '${name}' is registered.`);
  return entry.callback;
}

export const testInvoker: DurableFunctionInvoker = {
  orchestrators: () => namesOf('orchestrationtrigger'),
  activities: () => namesOf('activitytrigger'),
  entities: () => namesOf('entitytrigger'),
  // Promise.resolve().then turns a synchronous throw into a rejection, as an async invocation would.
  invokeOrchestrator: (name, bindingInfo) =>
    Promise.resolve().then(() => callbackOf(name)(bindingInfo, contextFor(name, 'orchestrationTrigger'))),
  invokeActivity: (name, input, instanceId) =>
    Promise.resolve().then(() =>
      callbackOf(name)(input, contextFor(name, 'activityTrigger', { instanceId, data: input })),
    ),
  invokeEntity: () => Promise.reject(new Error('Entities are not supported in this harness.')),
};

export interface TestHostOptions {
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

export async function startDurableTestHost(options: TestHostOptions = {}): Promise<DurableTestHost> {
  const dataDir = options.dataDir ?? createTempDir();
  const logs: string[] = [];
  const engine = createDurableEngine({
    dataDir,
    hubName: 'TestHubName',
    maxConcurrentActivityFunctions: options.maxActivities ?? 20,
    maxConcurrentOrchestratorFunctions: options.maxOrchestrators ?? 20,
    overridableExistingInstanceStates: options.overridable ?? 'NonRunningStates',
    invoker: testInvoker,
    log: (level, message) => logs.push(`${level}: ${message}`),
    now: options.now,
  });
  await engine.start();
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`);
    if (url.pathname.startsWith('/runtime/webhooks/durabletask/')) void engine.handleHttp(req, res, url);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const baseUrl = `http://127.0.0.1:${port}`;
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
