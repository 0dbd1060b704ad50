import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTempDir, fixture, postChunked, startTestHost, type TestHost } from '../devhostTestSupport.js';

const limit = 64 * 1024;
let host: TestHost;
let dataDir: string;

beforeAll(async () => {
  dataDir = createTempDir();
  host = await startTestHost({ appDir: fixture('buffered-app'), dataDir, maxBodyBytes: limit });
});

afterAll(async () => {
  await host.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const invocations = async (): Promise<number> =>
  ((await (await fetch(`${host.url}/api/invocations`)).json()) as { invocations: number }).invocations;

describe('buffered bodies (an app without HTTP streams)', () => {
  it('sends a plain response value with its status, merged headers, cookies and JSON body', async () => {
    const response = await fetch(`${host.url}/api/plainParts`);
    expect(response.status).toBe(201);
    expect(response.headers.get('x-extra')).toBe('yes, again');
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.getSetCookie()).toEqual(['session=a%20b; HttpOnly']);
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(response.headers.get('content-length')).toBe(String(bytes.length));
    expect(JSON.parse(bytes.toString('utf8'))).toEqual({ ok: 'ünï' });
  });

  it('hands the function the whole body when it is within the limit', async () => {
    const response = await fetch(`${host.url}/api/echo`, { method: 'POST', body: Buffer.alloc(limit, 7) });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(`received:${limit}`);
  });

  it('answers 413 before the function runs when the declared or the chunked body exceeds the limit', async () => {
    const before = await invocations();
    const declared = await fetch(`${host.url}/api/echo`, { method: 'POST', body: Buffer.alloc(limit + 1) });
    expect(declared.status).toBe(413);
    expect(await declared.text()).toMatch(/Request body too large: the limit is 65536 bytes/);
    const chunked = await postChunked(
      `${host.url}/api/echo`,
      Array.from({ length: 20 }, () => Buffer.alloc(4096)),
    );
    expect(chunked.status).toBe(413);
    expect(chunked.body).toMatch(/DEVHOST_MAX_BODY_BYTES/);
    expect(await invocations()).toBe(before);
  });

  it('sends a response only once its whole body is ready, as the host does for an app without HTTP streams', async () => {
    const response = fetch(`${host.url}/api/twoParts`);
    const early = await Promise.race([
      response.then(() => 'headers arrived'),
      new Promise((resolve) => setTimeout(() => resolve('still waiting'), 500)),
    ]);
    expect(early).toBe('still waiting');
    await fetch(`${host.url}/api/twoParts/release`, { method: 'POST' });
    const complete = await response;
    expect(complete.headers.get('content-length')).toBe('12');
    expect(await complete.text()).toBe('first,second');
  });
});
