import fs from 'node:fs';
import path from 'node:path';
import { DevhostError, DevhostErrorCode } from '../devhostError.js';

/**
 * Copies local.settings.json `Values` into env, skipping names already defined (what Core Tools does).
 * Returns the names it set. A missing file is not an error.
 */
export function applyLocalSettings(appDir: string, env: NodeJS.ProcessEnv): string[] {
  const file = path.join(appDir, 'local.settings.json');
  if (!fs.existsSync(file)) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new DevhostError(DevhostErrorCode.InvalidConfig, `local.settings.json is not valid JSON: ${file}`, {
      cause: error,
    });
  }
  const values = (parsed as { Values?: unknown } | null)?.Values;
  if (values === undefined) return [];
  if (typeof values !== 'object' || values === null || Array.isArray(values)) {
    throw new DevhostError(DevhostErrorCode.InvalidConfig, 'local.settings.json "Values" must be an object.');
  }
  const applied: string[] = [];
  for (const [name, value] of Object.entries(values as Record<string, unknown>)) {
    if (env[name] !== undefined) continue;
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      throw new DevhostError(DevhostErrorCode.InvalidConfig, `local.settings.json Values.${name} must be a string.`);
    }
    env[name] = String(value);
    applied.push(name);
  }
  return applied;
}
