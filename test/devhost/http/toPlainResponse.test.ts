import { HttpResponse, type HttpResponseInit } from '@azure/functions';
import { describe, expect, it } from 'vitest';
import { toPlainResponse } from '../../../devhost/http/toPlainResponse';

/** What the library's own HttpResponse makes of the same value: the reference the shortcut must equal. */
async function viaLibrary(init: HttpResponseInit) {
  const response = new HttpResponse(init);
  const body = response.body === null ? undefined : Buffer.from(await response.arrayBuffer());
  return { status: response.status, headers: [...response.headers], cookies: response.cookies, body };
}

function viaShortcut(init: HttpResponseInit) {
  const plain = toPlainResponse(init);
  if (plain === undefined) throw new Error('the shortcut declined');
  const body = plain.body === undefined ? undefined : Buffer.from(plain.body);
  return { status: plain.status, headers: plain.headers.map(([n, v]) => [n, v]), cookies: plain.cookies, body };
}

const equivalent: [string, HttpResponseInit][] = [
  ['an empty response', {}],
  ['a status alone', { status: 202 }],
  ['a JSON body', { status: 201, jsonBody: { id: 7, name: 'ünï', list: [1, null] } }],
  ['a JSON array, string and number', { jsonBody: [1, 'two'] }],
  ['a JSON string', { jsonBody: 'text' }],
  ['a JSON number', { jsonBody: 0 }],
  [
    'a JSON body with its own content type',
    { jsonBody: { a: 1 }, headers: { 'Content-Type': 'application/problem+json' } },
  ],
  ['a text body', { body: 'héllo' }],
  ['an empty text body', { body: '' }],
  ['a byte body', { body: new Uint8Array([0, 1, 2, 255]) }],
  ['a byte body with a type', { body: Buffer.from('abc'), headers: { 'content-type': 'application/octet-stream' } }],
  ['mixed-case, padded and repeated header names', { headers: { 'X-One': ' a ', 'x-one': 'b', Zed: 'z', Alpha: '1' } }],
  ['a body on a 204 (dropped)', { status: 204, body: 'ignored', jsonBody: { x: 1 } }],
  ['JSON on a 304 (dropped)', { status: 304, jsonBody: { x: 1 } }],
  ['cookies', { cookies: [{ name: 'session', value: 'a b', httpOnly: true }], body: 'ok' }],
  ['a null JSON body (a text body wins)', { jsonBody: null, body: 'plain' }],
];

describe('the devhost shortcut for plain HTTP responses', () => {
  for (const [name, init] of equivalent) {
    it(`writes ${name} exactly as the library's HttpResponse would`, async () => {
      expect(viaShortcut(init)).toEqual(await viaLibrary(init));
    });
  }

  it('leaves anything else to the library: Headers objects, Set-Cookie, streams, odd statuses, unknown fields', () => {
    const declined: unknown[] = [
      { headers: new Headers({ a: '1' }) },
      { headers: [['a', '1']] },
      { headers: { 'Set-Cookie': 'a=1' } },
      { headers: { count: 5 } },
      { body: new ReadableStream() },
      { body: new Blob(['x']) },
      { body: new URLSearchParams('a=1') },
      { body: new ArrayBuffer(4) },
      { status: 199 },
      { status: 600 },
      { status: 200.5 },
      { status: '200' },
      { nativeResponse: new Response('x') },
      { cookies: 'a=1' },
      new HttpResponse({ body: 'x' }),
    ];
    for (const value of declined) expect(toPlainResponse(value as object)).toBeUndefined();
  });

  it('lets a JSON body that cannot be serialised throw, as the library does', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => toPlainResponse({ jsonBody: cyclic })).toThrow(TypeError);
    expect(() => new HttpResponse({ jsonBody: cyclic })).toThrow(TypeError);
  });
});
