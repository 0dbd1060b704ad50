import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTempDir, fixture, repoRoot, setEnv, startTestHost, type TestHost } from './devhostTestSupport.js';

const hosts: TestHost[] = [];
const cleanups: (() => void)[] = [];

afterEach(async () => {
  await Promise.all(hosts.splice(0).map((host) => host.stop()));
  for (const cleanup of cleanups.splice(0)) cleanup();
});

async function start(appDir: string): Promise<TestHost> {
  const dataDir = createTempDir();
  cleanups.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  const host = await startTestHost({ appDir, dataDir });
  hosts.push(host);
  return host;
}

// An app outside the repository that brings its own copy of @azure/functions (and that copy's dependencies).
function createAppWithOwnLibrary(): string {
  const appDir = createTempDir('devhost-nested-app-');
  cleanups.push(() => fs.rmSync(appDir, { recursive: true, force: true }));
  for (const pkg of ['@azure/functions', '@azure/functions-extensions-base', 'cookie']) {
    fs.cpSync(path.join(repoRoot, 'node_modules', pkg), path.join(appDir, 'node_modules', pkg), { recursive: true });
  }
  fs.writeFileSync(path.join(appDir, 'package.json'), JSON.stringify({ name: 'nested-copy-app', main: 'main.js' }));
  fs.writeFileSync(
    path.join(appDir, 'main.js'),
    `const { app, HttpRequest, HttpResponse } = require('@azure/functions');
app.get('whichCopy', (request, context) => new HttpResponse({
  jsonBody: {
    library: require.resolve('@azure/functions'),
    requestFromOwnCopy: request instanceof HttpRequest,
    hasLog: typeof context.log === 'function',
  },
}));
`,
  );
  return appDir;
}

describe('loading apps', () => {
  it('loads a CommonJS app whose main is a glob with braces and stars', async () => {
    const host = await start(fixture('http-app'));
    const names = host.functions.map((fn) => fn.name);
    expect(names).toEqual(expect.arrayContaining(['hello', 'echo', 'boom', 'headers', 'files']));
    const response = await fetch(`${host.url}/api/hello/Ada`);
    expect(await response.text()).toBe('Hello Ada');
  });

  it('loads an ES module app and honours its route prefix', async () => {
    const host = await start(fixture('esm-app'));
    expect(host.functions.map((fn) => fn.name)).toEqual(['esmHello']);
    const response = await fetch(`${host.url}/v1/hello/Grace`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ message: 'Hello Grace from ESM', esm: true });
    expect((await fetch(`${host.url}/api/hello/Grace`)).status).toBe(404);
  });

  it('loads the same app twice in one process (a restart) and registers its functions again', async () => {
    const first = await start(fixture('esm-app'));
    await first.stop();
    const second = await start(fixture('esm-app'));
    expect(second.functions.map((fn) => fn.name)).toEqual(['esmHello']);
    expect((await fetch(`${second.url}/v1/hello/Again`)).status).toBe(200);
  });

  it('serves an app with its own nested copy of @azure/functions using that copy', async () => {
    const appDir = createAppWithOwnLibrary();
    const host = await start(appDir);
    const body = (await (await fetch(`${host.url}/api/whichCopy`)).json()) as Record<string, unknown>;
    expect(body['library']).toContain(fs.realpathSync(appDir));
    expect(body['requestFromOwnCopy']).toBe(true);
    expect(body['hasLog']).toBe(true);
  });

  it('rejects registrations after start-up with the worker message', async () => {
    const host = await start(fixture('http-app'));
    const response = await fetch(`${host.url}/api/registerLate`);
    expect(await response.text()).toBe('A function can only be registered during app startup.');
  });

  it('fails clearly when main matches no file', async () => {
    const appDir = createTempDir();
    cleanups.push(() => fs.rmSync(appDir, { recursive: true, force: true }));
    fs.writeFileSync(path.join(appDir, 'package.json'), JSON.stringify({ main: 'dist/*.js' }));
    await expect(startTestHost({ appDir, dataDir: appDir })).rejects.toThrow(/Found zero files matching/);
  });

  it('lists unsupported triggers and bindings and fails their invocation without hanging', async () => {
    const restore = setEnv({ AzureWebJobsStorage: 'UseDevelopmentStorage=true' });
    cleanups.push(restore);
    const host = await start(fixture('unsupported-app'));
    const byName = Object.fromEntries(host.functions.map((fn) => [fn.name, fn]));
    expect(byName['queued']?.kind).toBe('unsupported');
    expect(byName['queued']?.problems.join()).toMatch(/trigger type 'queueTrigger' is not supported/);
    expect(byName['withQueueOutput']?.problems.join()).toMatch(/output binding .* of type 'queue' is not supported/);
    expect(host.logs.some((line) => /queued: queueTrigger \(unsupported: /.test(line.message))).toBe(true);
    const failed = await fetch(`${host.url}/api/withQueueOutput`);
    expect(failed.status).toBe(500);
    expect(await failed.text()).toBe('');
    expect(host.logs.some((line) => line.level === 'error' && /cannot run in the devhost/.test(line.message))).toBe(
      true,
    );
    expect(await (await fetch(`${host.url}/api/fine`)).text()).toBe('fine');
  });
});
