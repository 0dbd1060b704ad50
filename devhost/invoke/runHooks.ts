import type { AppRegistry, HookName } from '../core/coreShim.js';

// The worker's ReadOnlyError: a TypeError marked as a system error, with this exact message.
function readOnlyError(name: string): TypeError {
  const error = new TypeError(`Cannot assign to read only property '${name}'`);
  return Object.assign(error, { isAzureFunctionsSystemError: true });
}

/**
 * A core-shaped hook context as the worker builds it: hookData, appHookData and every entry of `readOnly` (the
 * invocation context) are getters whose setters throw; the other fields are plain, writable properties, because the
 * library's wrappers write inputs, the callback, result and error back into them.
 */
export function createHookContext(
  hookData: Record<string, unknown>,
  appHookData: Record<string, unknown>,
  fields: Record<string, unknown>,
  readOnly: Record<string, unknown> = {},
): Record<string, unknown> {
  const context: Record<string, unknown> = {};
  const defineReadOnly = (name: string, value: unknown): void => {
    Object.defineProperty(context, name, {
      enumerable: true,
      get: () => value,
      set: () => {
        throw readOnlyError(name);
      },
    });
  };
  defineReadOnly('hookData', hookData);
  defineReadOnly('appHookData', appHookData);
  for (const [name, value] of Object.entries(readOnly)) defineReadOnly(name, value);
  return Object.assign(context, fields);
}

/** Runs the hooks of one kind sequentially, awaited, in registration order. */
export async function runHooks(registry: AppRegistry, name: HookName, context: Record<string, unknown>): Promise<void> {
  for (const hook of [...registry.hooks[name]]) {
    await hook(context);
  }
}
