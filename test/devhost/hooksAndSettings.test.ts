import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTempDir, fixture, readLines, setEnv, startTestHost, type TestHost } from './devhostTestSupport.js';

let tempDir: string;
let restoreEnv: () => void;
let host: TestHost | undefined;

function prepare(extraEnv: Record<string, string | undefined> = {}): string {
  tempDir = createTempDir();
  const eventsFile = path.join(tempDir, 'events.txt');
  restoreEnv = setEnv({
    FIXTURE_EVENTS_FILE: eventsFile,
    FIXTURE_LOCAL_ONLY: undefined,
    FIXTURE_OVERRIDE: undefined,
    FUNCTIONS_WORKER_RUNTIME: undefined,
    'AzureWebJobs.disabledFn.Disabled': undefined,
    WEBSITE_HOSTNAME: undefined,
    ...extraEnv,
  });
  return eventsFile;
}

afterEach(async () => {
  await host?.stop();
  host = undefined;
  restoreEnv();
  fs.rmSync(tempDir, { recursive: true, force: true });
});

describe('hooks', () => {
  it('runs appStart, preInvocation, postInvocation and appTerminate in order, sharing hook data', async () => {
    const events = prepare();
    host = await startTestHost({ appDir: fixture('http-app'), dataDir: tempDir });
    expect(readLines(events)).toEqual(['appStart']);
    await fetch(`${host.url}/api/hello`);
    await fetch(`${host.url}/api/boom`);
    await host.stop();
    expect(readLines(events)).toEqual([
      'appStart',
      'pre:hello',
      'post:hello:true:ok',
      'pre:boom',
      'post:boom:true:error',
      'appTerminate:shared-app-data',
    ]);
  });

  it('lets preInvocation replace the handler and postInvocation replace the result', async () => {
    prepare();
    host = await startTestHost({ appDir: fixture('http-app'), dataDir: tempDir });
    expect(await (await fetch(`${host.url}/api/hookReplaced`)).text()).toBe('replaced by preInvocation');
    expect(await (await fetch(`${host.url}/api/hookResult`)).json()).toEqual({ fromPostInvocation: true });
  });
});

describe('settings', () => {
  it('copies local.settings.json Values into the environment without overriding variables already set', async () => {
    prepare({ FIXTURE_OVERRIDE: 'from-environment' });
    host = await startTestHost({ appDir: fixture('http-app'), dataDir: tempDir });
    expect(await (await fetch(`${host.url}/api/settings`)).json()).toEqual({
      fromLocal: 'from-local-settings',
      override: 'from-environment',
      websiteHostname: `localhost:${host.port}`,
    });
  });

  it('disables a function whose AzureWebJobs.<name>.Disabled setting is true', async () => {
    prepare();
    host = await startTestHost({ appDir: fixture('http-app'), dataDir: tempDir });
    expect(host.functions.find((fn) => fn.name === 'disabledFn')?.disabled).toBe(true);
    expect(host.functions.find((fn) => fn.name === 'hello')?.disabled).toBe(false);
    expect((await fetch(`${host.url}/api/disabledFn`)).status).toBe(404);
    expect(host.logs.some((line) => line.message.includes('disabledFn: (disabled) [GET]'))).toBe(true);
  });

  it('accepts 1 as well as true, and an environment value wins over local.settings.json', async () => {
    prepare({ 'AzureWebJobs.disabledFn.Disabled': '0', 'AzureWebJobs.hello.Disabled': '1' });
    host = await startTestHost({ appDir: fixture('http-app'), dataDir: tempDir });
    expect((await fetch(`${host.url}/api/disabledFn`)).status).toBe(200);
    expect((await fetch(`${host.url}/api/hello`)).status).toBe(404);
  });
});
