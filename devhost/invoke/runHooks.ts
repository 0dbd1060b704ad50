import type { AppRegistry, HookName } from '../core/coreShim.js';

/**
 * A core-shaped hook context: hookData and appHookData are getter-only (the worker throws on assignment), every
 * other field is writable so the library's wrappers can write back inputs, callback, result or error.
 */
export function createHookContext(
  hookData: Record<string, unknown>,
  appHookData: Record<string, unknown>,
  fields: Record<string, unknown>,
): Record<string, unknown> {
  const context: Record<string, unknown> = { ...fields };
  const readOnly = (name: string, value: Record<string, unknown>): void => {
    Object.defineProperty(context, name, {
      enumerable: true,
      get: () => value,
      set: () => {
        throw new TypeError(`Cannot assign to read only property "${name}"`);
      },
    });
  };
  readOnly('hookData', hookData);
  readOnly('appHookData', appHookData);
  return context;
}

/** Runs the hooks of one kind sequentially, awaited, in registration order. */
export async function runHooks(registry: AppRegistry, name: HookName, context: Record<string, unknown>): Promise<void> {
  for (const hook of [...registry.hooks[name]]) {
    await hook(context);
  }
}
