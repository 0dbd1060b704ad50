import { loadWithRegistration, type AppRegistry } from './core/coreShim.js';
import { isHttpStreamEnabled } from './core/isHttpStreamEnabled.js';
import type { DevhostLog, DevhostLogLevel, DurableFunctionInvoker } from './durable/types.js';
import { prepareFunctions, type PreparedFunctions } from './functions/prepareFunctions.js';
import { createDurableInvoker } from './invoke/createDurableInvoker.js';
import { createInvoker, type FunctionInvoker } from './invoke/createInvoker.js';

export interface LoadFunctionAppOptions {
  /** Runs the app's registrations (loads its entry points); `app.*` calls are accepted only while it runs. */
  register: () => Promise<void> | void;
  /** @azure/functions as the app resolves it (asked after loading, so a broken entry point is reported first). */
  appLibraryDir: () => string;
  env: NodeJS.ProcessEnv;
  routePrefix: string;
  log: DevhostLog;
  /** The durableClient input value for a caller's origin; throws when no durable engine runs. */
  durableClientInput: (origin: string) => Record<string, unknown>;
}

/** An app loaded the way the Node worker loads it, with the invokers that run its functions. */
export interface LoadedFunctionApp {
  registry: AppRegistry;
  prepared: PreparedFunctions;
  invoker: FunctionInvoker;
  /** The app called `app.setup({ enableHttpStream: true })`: request bodies stream, without the buffered cap. */
  httpStream: boolean;
  /** The durable engine's view of the app; `origin` is what durable client URLs point at. */
  durableInvoker(origin: () => string): DurableFunctionInvoker;
}

/**
 * Loads an app through the one `@azure/functions-core` shim and prepares its functions. The devhost, the durable
 * test harness and the benchmarks all go through here, so they run app code exactly as the devhost does.
 */
export async function loadFunctionApp(options: LoadFunctionAppOptions): Promise<LoadedFunctionApp> {
  const { log } = options;
  const systemLog = (level: string, message: string): void => log(level as DevhostLogLevel, message);
  const registry = await loadWithRegistration(systemLog, async () => {
    await options.register();
  });
  const prepared = prepareFunctions(registry, options.env, options.routePrefix);
  const invoker = createInvoker({
    registry,
    appLibraryDir: options.appLibraryDir(),
    log,
    durableClientInput: (origin) => options.durableClientInput(origin),
  });
  return {
    registry,
    prepared,
    invoker,
    httpStream: await isHttpStreamEnabled(registry.programmingModel),
    durableInvoker: (origin) => createDurableInvoker(prepared.functions, invoker, origin),
  };
}
