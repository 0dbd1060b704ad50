import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTempDir, fixture, repoRoot, startTestHost, type TestHost } from './devhostTestSupport.js';

// Published samples pin older @azure/functions 4.x releases (the durable-js samples lock 4.3.0). Those build a
// request only from the public init (`headers`, `query` and `params` mappings, `body.bytes`) and ignore the
// `nativeRequest` newer releases accept. The test reproduces that contract with a copy of the installed library
// whose two newer code paths are switched off, so the devhost has to detect it and pass the public init.
const hosts: TestHost[] = [];
const tempDirs: string[] = [];

afterEach(async () => {
  await Promise.all(hosts.splice(0).map((host) => host.stop()));
  for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

const narrowings: [string, string][] = [
  ['let nativeReq = init.nativeRequest;', 'let nativeReq = undefined;'],
  ['if (init.nullableQuery || init.query) {', 'if (true) {'],
];

function createAppWithOlderLibrary(): string {
  const appDir = createTempDir('devhost-older-library-');
  tempDirs.push(appDir);
  fs.cpSync(fixture('older-library-app'), appDir, { recursive: true });
  for (const pkg of ['@azure/functions', '@azure/functions-extensions-base', 'cookie']) {
    fs.cpSync(path.join(repoRoot, 'node_modules', pkg), path.join(appDir, 'node_modules', pkg), { recursive: true });
  }
  const bundle = path.join(appDir, 'node_modules', '@azure', 'functions', 'dist', 'azure-functions.js');
  let source = fs.readFileSync(bundle, 'utf8');
  for (const [from, to] of narrowings) {
    // Fail loudly if the installed library changes shape, rather than silently testing the newer contract.
    expect(source.split(from)).toHaveLength(2);
    source = source.replace(from, to);
  }
  fs.writeFileSync(bundle, source);
  return appDir;
}

describe('an app with an older copy of @azure/functions', () => {
  it('gets the request body, headers, query and route values through the public request init', async () => {
    const appDir = createAppWithOlderLibrary();
    const dataDir = createTempDir();
    tempDirs.push(dataDir);
    const host = await startTestHost({ appDir, dataDir });
    hosts.push(host);
    const response = await fetch(`${host.url}/api/echo/42?q=tokyo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-sample': 'kept' },
      body: JSON.stringify({ city: 'Seattle' }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ id: '42', body: { city: 'Seattle' }, header: 'kept', query: 'tokyo' });
  });

  it('still answers 413 when a streamed body exceeds the limit', async () => {
    const appDir = createAppWithOlderLibrary();
    const dataDir = createTempDir();
    tempDirs.push(dataDir);
    const host = await startTestHost({ appDir, dataDir, maxBodyBytes: 1024 });
    hosts.push(host);
    // A chunked body declares no length, so only the reader can notice it is too large.
    const chunks = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 4; i += 1) controller.enqueue(new Uint8Array(512).fill(0x61));
        controller.close();
      },
    });
    const init: RequestInit & { duplex: 'half' } = { method: 'POST', body: chunks, duplex: 'half' };
    const response = await fetch(`${host.url}/api/echo/1`, init);
    expect(response.status).toBe(413);
    expect(await response.text()).toContain('Request body too large');
  });
});
