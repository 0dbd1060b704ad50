import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { OverridableStates } from '../durable/types.js';
import { DevhostError, DevhostErrorCode } from '../devhostError.js';

/** The host.json settings the devhost honours, with the real host's local defaults. */
export interface HostConfig {
  routePrefix: string;
  hubName: string;
  maxConcurrentActivityFunctions: number;
  maxConcurrentOrchestratorFunctions: number;
  overridableExistingInstanceStates: OverridableStates;
}

type Json = Record<string, unknown>;

function asObject(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}

/** Reads host.json from appDir; every invalid key is reported in one error. A missing file means defaults. */
export function readHostConfig(appDir: string): HostConfig {
  const file = path.join(appDir, 'host.json');
  let root: Json = {};
  if (fs.existsSync(file)) {
    try {
      root = asObject(JSON.parse(fs.readFileSync(file, 'utf8'))) ?? {};
    } catch (error) {
      throw new DevhostError(DevhostErrorCode.InvalidConfig, `host.json is not valid JSON: ${file}`, { cause: error });
    }
  }
  const extensions = asObject(root['extensions']) ?? {};
  const http = asObject(extensions['http']) ?? {};
  const durable = asObject(extensions['durableTask']) ?? {};
  const problems: string[] = [];
  const defaultConcurrency = 10 * Math.max(1, os.cpus().length);

  const readString = (value: unknown, key: string, fallback: string): string => {
    if (value === undefined) return fallback;
    if (typeof value === 'string') return value;
    problems.push(`${key} must be a string`);
    return fallback;
  };
  const readCount = (value: unknown, key: string): number => {
    if (value === undefined) return defaultConcurrency;
    if (typeof value === 'number' && Number.isInteger(value) && value > 0) return value;
    problems.push(`${key} must be a positive integer`);
    return defaultConcurrency;
  };

  const routePrefix = readString(http['routePrefix'], 'extensions.http.routePrefix', 'api').replace(/^\/+|\/+$/g, '');
  const hubName = readString(durable['hubName'], 'extensions.durableTask.hubName', 'TestHubName');
  if (!/^[A-Za-z][A-Za-z0-9]*$/.test(hubName)) {
    problems.push('extensions.durableTask.hubName must start with a letter and contain only letters and digits');
  }
  const overridable = readString(
    durable['overridableExistingInstanceStates'],
    'extensions.durableTask.overridableExistingInstanceStates',
    'NonRunningStates',
  );
  const states = ['NonRunningStates', 'AnyState'] as const;
  const overridableExistingInstanceStates = states.find((s) => s.toLowerCase() === overridable.toLowerCase());
  if (!overridableExistingInstanceStates) {
    problems.push('extensions.durableTask.overridableExistingInstanceStates must be NonRunningStates or AnyState');
  }
  const config: HostConfig = {
    routePrefix,
    hubName,
    maxConcurrentActivityFunctions: readCount(
      durable['maxConcurrentActivityFunctions'],
      'extensions.durableTask.maxConcurrentActivityFunctions',
    ),
    maxConcurrentOrchestratorFunctions: readCount(
      durable['maxConcurrentOrchestratorFunctions'],
      'extensions.durableTask.maxConcurrentOrchestratorFunctions',
    ),
    overridableExistingInstanceStates: overridableExistingInstanceStates ?? 'NonRunningStates',
  };
  if (problems.length > 0) {
    throw new DevhostError(DevhostErrorCode.InvalidConfig, `Invalid host.json (${file}): ${problems.join('; ')}.`);
  }
  return config;
}
