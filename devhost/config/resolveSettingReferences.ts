import { DevhostError, DevhostErrorCode } from '../devhostError.js';

const reference = /%([^%\s]+)%/g;

/** Replaces every `%NAME%` with the app setting NAME, as the host does for binding properties. */
export function resolveSettingReferences(value: string, env: NodeJS.ProcessEnv): string {
  return value.replace(reference, (_match, name: string) => {
    const setting = env[name];
    if (setting === undefined) {
      throw new DevhostError(
        DevhostErrorCode.InvalidConfig,
        `'%${name}%' does not resolve to a value (app setting ${name} is not set).`,
      );
    }
    return setting;
  });
}

/** A copy of a binding with `%NAME%` resolved in every string (and string array) property. */
export function resolveBindingSettings<T extends Record<string, unknown>>(binding: T, env: NodeJS.ProcessEnv): T {
  const resolved: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(binding)) {
    if (typeof value === 'string') resolved[key] = resolveSettingReferences(value, env);
    else if (Array.isArray(value)) {
      resolved[key] = value.map((item: unknown) =>
        typeof item === 'string' ? resolveSettingReferences(item, env) : item,
      );
    } else resolved[key] = value;
  }
  return resolved as T;
}
