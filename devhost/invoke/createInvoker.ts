import { randomUUID } from 'node:crypto';
import { inspect } from 'node:util';
import type { InvocationContext, RetryContext } from '@azure/functions';
import type { AppRegistry } from '../core/coreShim.js';
import { loadFunctionsLibrary, type FunctionsLibrary } from '../core/loadFunctionsLibrary.js';
import { DevhostError, DevhostErrorCode } from '../devhostError.js';
import type { DevhostLog, DevhostLogLevel } from '../durable/types.js';
import type { HostedFunction } from '../functions/classifyFunction.js';
import { createLogHandler, type InvocationPhase } from './createLogHandler.js';
import { createTraceContext } from './createTraceContext.js';
import { createHookContext, runHooks } from './runHooks.js';
import { toEffectiveOptions } from './toEffectiveOptions.js';

export interface InvokeOptions {
  /** Builds the trigger value with the function's own copy of @azure/functions. */
  trigger(library: FunctionsLibrary): unknown;
  triggerMetadata?: Record<string, unknown>;
  /** Set when the function has a retry policy: this attempt's number, the limit and the previous failure. */
  retryContext?: RetryContext;
  /** W3C trace headers of the HTTP request that triggered the invocation, if any. */
  traceHeaders?: { traceparent?: string; tracestate?: string };
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

/**
 * Direct invocation: the devhost builds the InvocationContext itself and calls the callback, with the hook contexts,
 * read-only fields and initial values (`result` and `error` start as null) of the Node worker's invocation handler.
 */
export function createInvoker(options: InvokerOptions): FunctionInvoker {
  const { registry, log } = options;
  const libraryFor = (fn: HostedFunction): FunctionsLibrary =>
    loadFunctionsLibrary(fn.registered.libraryDir ?? options.appLibraryDir);

  const invoke = async (fn: HostedFunction, invokeOptions: InvokeOptions): Promise<unknown> => {
    if (fn.problems.length > 0) {
      const message = `Function '${fn.name}' cannot run in the devhost: ${fn.problems.join('; ')}.`;
      log('error', message);
      throw new DevhostError(DevhostErrorCode.Unsupported, message);
    }
    const library = libraryFor(fn);
    const invocationId = randomUUID();
    const phase: InvocationPhase = { current: 'running' };
    const context: InvocationContext = new library.InvocationContext({
      invocationId,
      functionName: fn.name,
      logHandler: createLogHandler({
        registry,
        log,
        functionName: fn.name,
        invocationId,
        phase,
        context: () => context,
      }),
      retryContext: invokeOptions.retryContext,
      traceContext: createTraceContext(invokeOptions.traceHeaders),
      triggerMetadata: invokeOptions.triggerMetadata,
      options: toEffectiveOptions(fn.registered.metadata.bindings),
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
    const invocationContext = { invocationContext: context };
    let result: unknown = null;
    let error: unknown = null;
    try {
      // Hook contexts are built only when there are hooks to see them (they cost more than a small function).
      let callback: (...args: unknown[]) => unknown = fn.registered.callback;
      let inputs: unknown[] = [await invokeOptions.trigger(library)];
      if (registry.hooks.preInvocation.length > 0) {
        const pre = createHookContext(
          hookData,
          registry.appHookData,
          { functionCallback: callback, inputs },
          invocationContext,
        );
        await runHooks(registry, 'preInvocation', pre);
        callback = pre['functionCallback'] as (...args: unknown[]) => unknown;
        inputs = pre['inputs'] as unknown[];
      }
      try {
        result = await callback(...inputs, context);
      } catch (thrown) {
        error = thrown;
      } finally {
        phase.current = 'postInvocationHooks';
      }
      if (registry.hooks.postInvocation.length > 0) {
        const post = createHookContext(hookData, registry.appHookData, { inputs, result, error }, invocationContext);
        await runHooks(registry, 'postInvocation', post);
        result = post['result'];
        error = post['error'];
      }
    } catch (hookError) {
      error = hookError;
    } finally {
      phase.current = 'done';
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
