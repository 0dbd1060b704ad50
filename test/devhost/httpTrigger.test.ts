import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTempDir, fixture, postChunked, startTestHost, type TestHost } from './devhostTestSupport.js';

let host: TestHost;
let dataDir: string;

beforeAll(async () => {
  dataDir = createTempDir();
  host = await startTestHost({ appDir: fixture('http-app'), dataDir, maxBodyBytes: 64 * 1024 });
});

afterAll(async () => {
  await host.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const get = (path: string, init?: RequestInit): Promise<Response> => fetch(`${host.url}${path}`, init);

describe('HTTP triggers: routing', () => {
  it('passes route values, optional and default parameters, and query values as strings', async () => {
    expect(await (await get('/api/hello/Ada')).text()).toBe('Hello Ada');
    expect(await (await get('/api/hello?name=Query')).text()).toBe('Hello Query');
    expect(await (await get('/api/pages')).json()).toEqual({ n: '1' });
    expect(await (await get('/api/pages/7')).json()).toEqual({ n: '7' });
  });

  it('prefers a literal segment, then a constrained parameter, then a plain one, matching case-insensitively', async () => {
    expect(await (await get('/api/items/special')).json()).toEqual({ kind: 'literal' });
    expect(await (await get('/API/ITEMS/42')).json()).toEqual({ kind: 'int', id: '42' });
    expect(await (await get('/api/items/abc')).json()).toEqual({ kind: 'plain', name: 'abc' });
  });

  it('captures the rest of the path in a catch-all and splits complex segments greedily', async () => {
    expect(await (await get('/api/files/a/b/c.txt')).json()).toEqual({ rest: 'a/b/c.txt' });
    expect(await (await get('/api/files')).json()).toEqual({ rest: null });
    expect(await (await get('/api/download/report.tar.gz')).json()).toEqual({ file: 'report.tar', ext: 'gz' });
  });

  it('answers 404 with an empty body for unknown paths and for methods the function does not accept', async () => {
    for (const response of [await get('/api/nope'), await get('/api/post-only'), await get('/hello/Ada')]) {
      expect(response.status).toBe(404);
      expect(await response.text()).toBe('');
    }
    expect(await (await get('/api/post-only', { method: 'POST' })).text()).toBe('posted');
  });

  it('gives the handler the absolute URL, every repeated query value and the request headers', async () => {
    const response = await get('/api/headers?a=1&a=2', { headers: { 'X-Custom': 'hi' } });
    expect(await response.json()).toEqual({
      custom: 'hi',
      all: ['1', '2'],
      url: `${host.url}/api/headers?a=1&a=2`,
      method: 'GET',
    });
  });
});

describe('HTTP triggers: request bodies', () => {
  it('gives a GET handler an empty body through every reader, and a clone with the same headers and query', async () => {
    const response = await get('/api/emptyBodies?q=1', { headers: { 'X-Probe': 'yes' } });
    expect(await response.json()).toEqual({
      body: null,
      text: '',
      bodyUsed: false,
      copyBytes: 0,
      copyHeader: 'yes',
      query: '1',
    });
  });

  it('supports every body reader of HttpRequest', async () => {
    const post = (
      reader: string,
      body: string | Uint8Array | FormData | URLSearchParams,
      headers?: Record<string, string>,
    ): Promise<Response> => get(`/api/echo/${reader}`, { method: 'POST', body, headers });
    expect(await (await post('text', 'plain words')).text()).toBe('text:plain words');
    expect(await (await post('json', '{"a":[1,2]}', { 'content-type': 'application/json' })).json()).toEqual({
      received: { a: [1, 2] },
    });
    expect(await (await post('arrayBuffer', new Uint8Array(1000))).text()).toBe('bytes:1000');
    expect(await (await post('blob', 'xyz', { 'content-type': 'application/x-thing' })).text()).toBe(
      'blob:3:application/x-thing',
    );
    const form = new FormData();
    form.append('field', 'value');
    form.append('other', 'two');
    expect(await (await post('formData', form)).json()).toEqual({ field: 'value', other: 'two' });
    expect(await (await post('formData', new URLSearchParams({ k: 'v' }))).json()).toEqual({ k: 'v' });
  });

  it('streams a chunked request body to the handler, past the buffered-body limit when the app enabled streams', async () => {
    const chunks = Array.from({ length: 32 }, () => Buffer.alloc(4096, 1));
    const result = await postChunked(`${host.url}/api/echo/stream`, chunks);
    expect(result).toEqual({ status: 200, body: `streamed:${32 * 4096}` });
  });
});

describe('HTTP triggers: responses', () => {
  it('writes status, headers and one Set-Cookie per cookie', async () => {
    const response = await get('/api/cookies');
    expect(response.status).toBe(201);
    expect(response.headers.get('x-extra')).toBe('yes');
    expect(response.headers.getSetCookie()).toEqual([
      'session=a%20b; Max-Age=60; Path=/; HttpOnly; SameSite=Lax',
      'theme=dark',
    ]);
    expect(await response.text()).toBe('with cookies');
  });

  it('sends a plain JSON value of an app with HTTP streams chunked, like a streamed body, with its JSON type', async () => {
    const response = await get('/api/items/special');
    expect(response.headers.get('transfer-encoding')).toBe('chunked');
    expect(response.headers.get('content-length')).toBeNull();
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual({ kind: 'literal' });
  });

  it('sends Buffer bodies byte for byte and Node stream bodies in full', async () => {
    const binary = await get('/api/binary');
    expect(binary.headers.get('content-type')).toBe('application/octet-stream');
    expect([...new Uint8Array(await binary.arrayBuffer())]).toEqual([0, 1, 2, 255]);
    expect(await (await get('/api/nodeStream')).text()).toBe('one,two,three');
  });

  it('streams server-sent events to the client as they are produced', async () => {
    const response = await get('/api/events');
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    const first = await reader.read();
    // The second event is held back by the app until released, so this chunk can only be the first event.
    expect(decoder.decode(first.value)).toBe('data: first\n\n');
    expect(await (await get('/api/events/release', { method: 'POST' })).text()).toBe('released');
    let rest = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      rest += decoder.decode(value);
    }
    expect(rest).toBe('data: second\n\n');
  });

  it('answers 500 with an empty body when the handler throws, and logs the error with its stack', async () => {
    const response = await get('/api/boom');
    expect(response.status).toBe(500);
    const body = await response.text();
    expect(body).toBe('');
    const logged = host.logs.filter(
      (line) => line.level === 'error' && line.message.includes('secret internal detail'),
    );
    expect(logged.length).toBeGreaterThan(0);
    expect(logged[0]?.message).toMatch(/Executed 'Functions.boom' \(Failed/);
    expect(logged[0]?.message).toMatch(/behaviour\.js/);
  });

  it('answers 204 when the handler returns nothing and 500 when it returns a non-object', async () => {
    const empty = await get('/api/nothing');
    expect(empty.status).toBe(204);
    expect(await empty.text()).toBe('');
    const bad = await get('/api/badResult');
    expect(bad.status).toBe(500);
    expect(await bad.text()).toBe('');
  });

  it('routes user logs through log hooks to the host log with the function name', async () => {
    await get('/api/logs');
    expect(host.logs).toContainEqual({ level: 'information', message: '[logs] user log line 42 (seen by log hook)' });
    expect(host.logs).toContainEqual({ level: 'warning', message: '[logs] user warning' });
  });
});
