// The `@azure/functions-core` module the real Node worker provides (its contract is in the worker's
// types-core/index.d.ts). Every copy of @azure/functions requires it lazily and caches it forever, so there is one
// shim object per process; it forwards registrations to whichever app is loading right now. The devhost, the durable
// test harness and the benchmarks all use this one shim (through loadFunctionApp).
import Module from 'node:module';
import { DevhostError, DevhostErrorCode } from '../devhostError.js';
import { findLibraryDirInStack } from './findLibraryDirInStack.js';

export interface BindingMetadata {
  type: string;
  direction?: string;
  name?: string;
  [key: string]: unknown;
}

export interface FunctionMetadata {
  name: string;
  functionId?: string;
  bindings: Record<string, BindingMetadata>;
  retryOptions?: unknown;
}

export type FunctionCallback = (triggerValue: unknown, context: unknown) => unknown;
export type HookCallback = (context: Record<string, unknown>) => unknown;

export const hookNames = ['appStart', 'appTerminate', 'preInvocation', 'postInvocation', 'log'] as const;
export type HookName = (typeof hookNames)[number];

export interface RegisteredFunction {
  metadata: FunctionMetadata;
  callback: FunctionCallback;
  /** Package directory of the @azure/functions copy that registered it, when the stack reveals it. */
  libraryDir: string | undefined;
}

/** Everything one app registered while it loaded. */
export interface AppRegistry {
  readonly functions: Map<string, RegisteredFunction>;
  readonly hooks: Record<HookName, HookCallback[]>;
  /** Shared by every hook of the app (the worker's appHookData). */
  readonly appHookData: Record<string, unknown>;
  /** The hookData of appStart and appTerminate only (the worker's appLevelOnlyHookData). */
  readonly appLevelHookData: Record<string, unknown>;
  /** The programming model in force when loading finished (the last one set, as in the worker). */
  programmingModel: unknown;
  locked: boolean;
  systemLog(level: string, message: string): void;
}

class Disposable {
  #dispose: (() => void) | undefined;

  constructor(dispose: () => void) {
    this.#dispose = dispose;
  }

  static from(...items: { dispose(): unknown }[]): Disposable {
    return new Disposable(() => items.forEach((item) => item.dispose()));
  }

  dispose(): void {
    const dispose = this.#dispose;
    this.#dispose = undefined;
    dispose?.();
  }
}

interface ShimState {
  active: AppRegistry | undefined;
  last: AppRegistry | undefined;
  programmingModel: unknown;
  loadQueue: Promise<unknown>;
  core: Record<string, unknown>;
}

const stateKey = Symbol.for('market-data-tasks.devhost.coreShim');
const coreModuleId = '@azure/functions-core';

function createCore(state: ShimState): Record<string, unknown> {
  return {
    version: '3.10.1-devhost',
    get hostVersion(): string {
      return '4.1040.0';
    },
    Disposable,
    registerFunction(metadata: FunctionMetadata, callback: FunctionCallback): Disposable {
      const registry = state.active;
      if (!registry || registry.locked) {
        throw new DevhostError(
          DevhostErrorCode.RegistrationLocked,
          'A function can only be registered during app startup.',
        );
      }
      assertKnownRetryStrategy(metadata.retryOptions);
      const id = metadata.functionId ?? metadata.name;
      if (registry.functions.has(id)) {
        throw new Error(`A function with id "${id}" has already been registered.`);
      }
      registry.functions.set(id, { metadata, callback, libraryDir: findLibraryDirInStack() });
      return new Disposable(() => {
        if (registry.locked) {
          throw new Error('A function can only be unregistered during app startup.');
        }
        registry.functions.delete(id);
      });
    },
    registerHook(name: string, callback: HookCallback): Disposable {
      if (!(hookNames as readonly string[]).includes(name)) {
        const error = new RangeError(`Unrecognized hook "${name}"`);
        Object.assign(error, { isAzureFunctionsSystemError: true });
        throw error;
      }
      const registry = state.active ?? state.last;
      if (!registry) {
        throw new Error('Hooks can only be registered by an app loaded by the devhost.');
      }
      const list = registry.hooks[name as HookName];
      list.push(callback);
      return new Disposable(() => {
        const index = list.indexOf(callback);
        if (index >= 0) list.splice(index, 1);
      });
    },
    setProgrammingModel(model: unknown): void {
      state.programmingModel = model;
    },
    getProgrammingModel(): unknown {
      return state.programmingModel;
    },
    log(level: string, _category: string, message: string): void {
      (state.active ?? state.last)?.systemLog(level, message);
    },
  };
}

// The worker converts the strategy to its gRPC enum while registering, so an unknown one fails the registration.
function assertKnownRetryStrategy(retryOptions: unknown): void {
  const strategy = (retryOptions as { retryStrategy?: unknown } | null | undefined)?.retryStrategy;
  if (strategy === undefined || strategy === null || strategy === 'fixedDelay' || strategy === 'exponentialBackoff') {
    return;
  }
  const shown = typeof strategy === 'string' ? strategy : JSON.stringify(strategy);
  const error = new RangeError(`Unexpected value "${shown}" for type "CoreRpcRetryStrategy"`);
  throw Object.assign(error, { isAzureFunctionsSystemError: true });
}

function getState(): ShimState {
  const holder = globalThis as unknown as Record<symbol, ShimState | undefined>;
  let state = holder[stateKey];
  if (!state) {
    const created: ShimState = {
      active: undefined,
      last: undefined,
      programmingModel: undefined,
      loadQueue: Promise.resolve(),
      core: {},
    };
    created.core = createCore(created);
    installRequireHook(created.core);
    holder[stateKey] = created;
    state = created;
  }
  return state;
}

// What the worker does: answer the exact id from every module's require, whichever copy of the library asks.
function installRequireHook(core: Record<string, unknown>): void {
  const proto = Module.prototype as unknown as { require: (this: unknown, id: string) => unknown };
  const original = proto.require;
  proto.require = function requireWithCore(this: unknown, id: string): unknown {
    return id === coreModuleId ? core : original.call(this, id);
  };
}

/**
 * Loads an app with registration open: at most one app loads at a time per process, and its registry is locked
 * when `load` settles (later `app.*` calls throw).
 */
export async function loadWithRegistration(
  systemLog: AppRegistry['systemLog'],
  load: () => Promise<void>,
): Promise<AppRegistry> {
  const state = getState();
  const registry: AppRegistry = {
    functions: new Map(),
    hooks: { appStart: [], appTerminate: [], preInvocation: [], postInvocation: [], log: [] },
    appHookData: {},
    appLevelHookData: {},
    programmingModel: undefined,
    locked: false,
    systemLog,
  };
  const run = async (): Promise<AppRegistry> => {
    state.active = registry;
    try {
      await load();
      return registry;
    } finally {
      registry.programmingModel = state.programmingModel;
      registry.locked = true;
      state.active = undefined;
      state.last = registry;
    }
  };
  const result = state.loadQueue.then(run, run);
  state.loadQueue = result.catch(() => undefined);
  return result;
}
