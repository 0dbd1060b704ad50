import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyLocalSettings } from '../../../devhost/config/applyLocalSettings.js';
import { readHostConfig } from '../../../devhost/config/readHostConfig.js';
import { createTempDir } from '../devhostTestSupport.js';

let dir: string;
beforeEach(() => {
  dir = createTempDir();
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const writeJson = (name: string, value: unknown): void => fs.writeFileSync(path.join(dir, name), JSON.stringify(value));

describe('readHostConfig', () => {
  it('uses the local host defaults without a host.json', () => {
    expect(readHostConfig(dir)).toEqual({
      routePrefix: 'api',
      hubName: 'TestHubName',
      maxConcurrentActivityFunctions: 10 * os.cpus().length,
      maxConcurrentOrchestratorFunctions: 10 * os.cpus().length,
      overridableExistingInstanceStates: 'NonRunningStates',
    });
  });

  it('reads the route prefix and the durableTask settings', () => {
    writeJson('host.json', {
      version: '2.0',
      extensions: {
        http: { routePrefix: '/v2/' },
        durableTask: {
          hubName: 'MyHub',
          maxConcurrentActivityFunctions: 3,
          maxConcurrentOrchestratorFunctions: 2,
          overridableExistingInstanceStates: 'anystate',
        },
      },
    });
    expect(readHostConfig(dir)).toEqual({
      routePrefix: 'v2',
      hubName: 'MyHub',
      maxConcurrentActivityFunctions: 3,
      maxConcurrentOrchestratorFunctions: 2,
      overridableExistingInstanceStates: 'AnyState',
    });
  });

  it('lists every invalid setting in one error', () => {
    writeJson('host.json', {
      extensions: {
        durableTask: { hubName: '1bad', maxConcurrentActivityFunctions: 0, overridableExistingInstanceStates: 'Some' },
      },
    });
    expect(() => readHostConfig(dir)).toThrow(
      /hubName must start with a letter.*maxConcurrentActivityFunctions must be a positive integer|maxConcurrentActivityFunctions must be a positive integer.*hubName/,
    );
    expect(() => readHostConfig(dir)).toThrow(/overridableExistingInstanceStates must be NonRunningStates or AnyState/);
  });
});

describe('applyLocalSettings', () => {
  it('sets Values that are not already in the environment and reports them', () => {
    writeJson('local.settings.json', { IsEncrypted: false, Values: { A: 'from-file', B: 'from-file', C: 3 } });
    const env: NodeJS.ProcessEnv = { B: 'from-env' };
    expect(applyLocalSettings(dir, env)).toEqual(['A', 'C']);
    expect(env).toEqual({ A: 'from-file', B: 'from-env', C: '3' });
  });

  it('rejects a local.settings.json that is not JSON', () => {
    fs.writeFileSync(path.join(dir, 'local.settings.json'), '{ nope');
    expect(() => applyLocalSettings(dir, {})).toThrow(/local.settings.json is not valid JSON/);
  });
});
