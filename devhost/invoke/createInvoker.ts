import { randomUUID } from 'node:crypto';
import { format, inspect } from 'node:util';
import type { InvocationContext, LogLevel } from '@azure/functions';
import type { AppRegistry } from '../core/coreShim.js';
import { loadFunctionsLibrary, type FunctionsLibrary } from '../core/loadFunctionsLibrary.js';
import { DevhostError, DevhostErrorCode } from '../devhostError.js';
import type { DevhostLog, DevhostLogLevel } from '../durable/types.js';
import type { HostedFunction, NamedBinding } from '../functions/classifyFunction.js';
import { createHookContext, runHooks } from './runHooks.js';

export interface InvokeOptions {
  /** Builds the trigger value with the function's own copy of @azure/functions. */
  trigger(library: FunctionsLibrary): unknown;
  triggerMetadata?: Record<string, unknown>;
  /** Origin the caller sees (e.g. "http://localhost:7071"), used for durable client URLs. */
  origin: string;
  /** Log level for the "Executed" line of a successful run (durable work is chatty, so it logs at debug). */
  successLevel?: DevhostLogLevel;
}

export interface FunctionInvoker {
  libraryFor(fn: HostedFunction): FunctionsLibrary;
  /** Runs preInvocation hooks, the handler and postInvocation hooks; resolves with the (hook-adjusted) result. */
  invoke(fn: HostedFunction, options: InvokeOptions): Promise<unknown>;
}

export interface InvokerOptions {
  registry: AppRegistry;
  /** @azure/functions as the app resolves it; used when a registration's own copy is unknown. */
  appLibraryDir: string;
  log: DevhostLog;
  /** The durableClient input value for an origin; undefined when the app has no durable engine. */
  durableClientInput: ((origin: string) => Record<string, unknown>) | undefined;
}

const durableClientTypes = new Set(['durableclient', 'orchestrationclient']);

function toBindingOptions(binding: NamedBinding): NamedBinding {
  const { direction: _direction, properties: _properties, ...rest } = binding;
  return rest;
}

/** Direct invocation (reference §1.5): the devhost builds InvocationContext itself and calls the callback. */
export function createInvoker(options: InvokerOptions): FunctionInvoker {
  const { registry, log } = options;
  const libraryFor = (fn: HostedFunction): FunctionsLibrary =>
    loadFunctionsLibrary(fn.registered.libraryDir ?? options.appLibraryDir);

  const createLogHandler = (fn: HostedFunction, getContext: () => InvocationContext | undefined) => {
    return (level: LogLevel, ...args: unknown[]): void => {
      if (level === 'none') return;
      let message = format(...args);
      let finalLevel: LogLevel = level;
      if (registry.hooks.log.length > 0) {
        const hookContext = createHookContext({}, registry.appHookData, {
          level,
          message,
          category: 'user',
          invocationContext: getContext(),
        });
        for (const hook of [...registry.hooks.log]) {
          try {
            void hook(hookContext);
          } catch (error) {
            log('warning', `A log hook threw: ${String(error)}`);
          }
        }
        message = String(hookContext['message']);
        finalLevel = hookContext['level'] as LogLevel;
      }
      if (finalLevel !== 'none') log(finalLevel, `[${fn.name}] ${message}`);
    };
  };

  const invoke = async (fn: HostedFunction, invokeOptions: InvokeOptions): Promise<unknown> => {
    if (fn.problems.length > 0) {
      const message = `Function '${fn.name}' cannot run in the devhost: ${fn.problems.join('; ')}.`;
      log('error', message);
      throw new DevhostError(DevhostErrorCode.Unsupported, message);
    }
    const library = libraryFor(fn);
    const invocationId = randomUUID();
    const context: InvocationContext = new library.InvocationContext({
      invocationId,
      functionName: fn.name,
      logHandler: createLogHandler(fn, () => context),
      triggerMetadata: invokeOptions.triggerMetadata,
      options: {
        trigger: toBindingOptions(fn.trigger),
        return: fn.returnBinding ? toBindingOptions(fn.returnBinding) : undefined,
        extraInputs: fn.extraInputs.map(toBindingOptions),
        extraOutputs: fn.extraOutputs.map(toBindingOptions),
      },
    });
    for (const input of fn.extraInputs) {
      if (!durableClientTypes.has(input.type.toLowerCase())) continue;
      if (!options.durableClientInput) {
        throw new DevhostError(DevhostErrorCode.Unsupported, 'The durable engine is not available in this devhost.');
      }
      context.extraInputs.set(input.name, options.durableClientInput(invokeOptions.origin));
    }

    const started = Date.now();
    const hookData: Record<string, unknown> = {};
    const invocationFields = { invocationContext: context, inputs: [await invokeOptions.trigger(library)] };
    const pre = createHookContext(hookData, registry.appHookData, {
      ...invocationFields,
      functionCallback: fn.registered.callback,
    });
    let result: unknown;
    let error: unknown;
    try {
      await runHooks(registry, 'preInvocation', pre);
      const callback = pre['functionCallback'] as (...args: unknown[]) => unknown;
      const inputs = pre['inputs'] as unknown[];
      try {
        result = await callback(...inputs, context);
      } catch (thrown) {
        error = thrown;
      }
      const post = createHookContext(hookData, registry.appHookData, {
        invocationContext: context,
        inputs,
        result,
        error,
      });
      await runHooks(registry, 'postInvocation', post);
      result = post['result'];
      error = post['error'];
    } catch (hookError) {
      error = hookError;
    }
    const duration = Date.now() - started;
    if (error !== undefined && error !== null) {
      const detail = error instanceof Error ? (error.stack ?? error.message) : inspect(error);
      log('error', `Executed 'Functions.${fn.name}' (Failed, Id=${invocationId}, Duration=${duration}ms)\n${detail}`);
      throw error instanceof Error ? error : new Error(detail);
    }
    log(
      invokeOptions.successLevel ?? 'information',
      `Executed 'Functions.${fn.name}' (Succeeded, Id=${invocationId}, Duration=${duration}ms)`,
    );
    return result;
  };

  return { libraryFor, invoke };
}
