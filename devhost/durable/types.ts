// The contract between the devhost core (loader, HTTP server, timers) and the durable engine (devhost/durable/).
// The core owns function registration and invocation; the engine owns durable state and the durabletask HTTP API.
import type { IncomingMessage, ServerResponse } from 'node:http';

export type DevhostLogLevel = 'trace' | 'debug' | 'information' | 'warning' | 'error' | 'critical';

export interface DevhostLog {
  (level: DevhostLogLevel, message: string): void;
}

/** How the engine runs app code. Implemented by the core, which builds InvocationContext and runs the hooks. */
export interface DurableFunctionInvoker {
  /** Names of registered functions by durable trigger kind (enabled ones only). */
  orchestrators(): ReadonlySet<string>;
  activities(): ReadonlySet<string>;
  entities(): ReadonlySet<string>;
  /**
   * Invoke an orchestrationTrigger function with a fresh binding-info object (history, input, instance id) and a fresh
   * InvocationContext. Resolves with the handler's return value (an OrchestratorState) or rejects with what it threw.
   */
  invokeOrchestrator(name: string, bindingInfo: unknown, instanceId: string): Promise<unknown>;
  /** Invoke an activityTrigger function with its input. Resolves with its result or rejects. */
  invokeActivity(name: string, input: unknown, instanceId: string): Promise<unknown>;
  /** Invoke an entityTrigger function (optional support). */
  invokeEntity(name: string, bindingInfo: unknown, instanceId: string): Promise<unknown>;
}

export type OverridableStates = 'NonRunningStates' | 'AnyState';

export interface DurableEngineOptions {
  /** Directory for the engine's SQLite file (created if missing). */
  dataDir: string;
  /** host.json extensions.durableTask.hubName (default "TestHubName" on the real host for local runs). */
  hubName: string;
  maxConcurrentActivityFunctions: number;
  maxConcurrentOrchestratorFunctions: number;
  overridableExistingInstanceStates: OverridableStates;
  invoker: DurableFunctionInvoker;
  log: DevhostLog;
  /** Injected clock for tests; defaults to () => new Date(). */
  now?: () => Date;
}

export interface DurableEngine {
  /**
   * The OrchestrationClientInputData object (task hub, management URLs, rpcBaseUrl) to put into a durableClient
   * input binding.
   * `baseUrl` is the host's origin as the caller sees it, e.g. "http://localhost:7071" (no trailing slash).
   */
  clientInputData(baseUrl: string): Record<string, unknown>;
  /**
   * Serve one request whose path starts with /runtime/webhooks/durabletask/ (the public webhook API and the
   * rpcBaseUrl API). The core has already matched the prefix; the engine writes the whole response.
   */
  handleHttp(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void>;
  /** Open the store and resume persisted work (pending episodes, unfinished activities, timers). */
  start(): Promise<void>;
  /**
   * Stop dispatching new work; wait up to graceMs for running activities/episodes to finish, leave everything else
   * in the store to resume on the next start; close the store.
   */
  stop(graceMs: number): Promise<void>;
}

export type CreateDurableEngine = (options: DurableEngineOptions) => DurableEngine;
