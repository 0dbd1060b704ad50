import { describe, expect, it } from 'vitest';
import { compileRoute } from '../../../devhost/http/compileRoute.js';
import { createRouter, splitPath } from '../../../devhost/http/createRouter.js';

const match = (template: string, path: string): Record<string, string> | undefined =>
  compileRoute(template).match(splitPath(path));

describe('route templates', () => {
  it('matches literals case-insensitively and ignores a trailing slash', () => {
    expect(match('Items/List', '/items/LIST/')).toEqual({});
    expect(match('items/list', '/items/other')).toBeUndefined();
  });

  it('binds parameters, optional parameters and defaults, percent-decoded', () => {
    expect(match('users/{id}', '/users/a%20b')).toEqual({ id: 'a b' });
    expect(match('users/{id?}', '/users')).toEqual({});
    expect(match('users/{id=me}', '/users')).toEqual({ id: 'me' });
    expect(match('users/{id}', '/users')).toBeUndefined();
    expect(match('users/{id}', '/users/1/extra')).toBeUndefined();
  });

  it('applies type constraints', () => {
    expect(match('{v:int}', '/-12')).toEqual({ v: '-12' });
    expect(match('{v:int}', '/2147483648')).toBeUndefined();
    expect(match('{v:long}', '/2147483648')).toEqual({ v: '2147483648' });
    expect(match('{v:bool}', '/TRUE')).toEqual({ v: 'TRUE' });
    expect(match('{v:bool}', '/yes')).toBeUndefined();
    expect(match('{v:guid}', '/0f8fad5b-d9cb-469f-a165-70867728950e')).toBeDefined();
    expect(match('{v:guid}', '/not-a-guid')).toBeUndefined();
    expect(match('{v:alpha}', '/abcXYZ')).toBeDefined();
    expect(match('{v:alpha}', '/abc1')).toBeUndefined();
    expect(match('{v:datetime}', '/2024-05-01')).toBeDefined();
    expect(match('{v:datetime}', '/tomorrow')).toBeUndefined();
    expect(match('{v:decimal}', '/1.5')).toBeDefined();
    expect(match('{v:decimal}', '/1e5')).toBeUndefined();
    expect(match('{v:double}', '/1e5')).toBeDefined();
    expect(match('{v:float}', '/x')).toBeUndefined();
  });

  it('applies length, range and regex constraints, chained', () => {
    expect(match('{v:minlength(3)}', '/ab')).toBeUndefined();
    expect(match('{v:maxlength(3)}', '/abcd')).toBeUndefined();
    expect(match('{v:length(2)}', '/ab')).toBeDefined();
    expect(match('{v:length(2,4)}', '/abcde')).toBeUndefined();
    expect(match('{v:int:min(1)}', '/0')).toBeUndefined();
    expect(match('{v:int:max(10)}', '/11')).toBeUndefined();
    expect(match('{v:range(5,10)}', '/7')).toEqual({ v: '7' });
    expect(match('{v:range(5,10)}', '/4')).toBeUndefined();
    expect(match('{v:regex(^\\d{{3}}$)}', '/123')).toEqual({ v: '123' });
    expect(match('{v:regex(^\\d{{3}}$)}', '/1234')).toBeUndefined();
    expect(match('{v:required}', '/x')).toEqual({ v: 'x' });
  });

  it('captures catch-alls with slashes, and may leave them empty', () => {
    expect(match('files/{*path}', '/files/a/b%2Fc/d')).toEqual({ path: 'a/b/c/d' });
    expect(match('files/{**path}', '/files')).toEqual({});
    expect(match('files/{*path:minlength(3)}', '/files/ab')).toBeUndefined();
  });

  it('matches complex segments and optional extensions', () => {
    expect(match('{file}.{ext}', '/archive.tar.gz')).toEqual({ file: 'archive.tar', ext: 'gz' });
    expect(match('{file}.{ext?}', '/readme')).toEqual({ file: 'readme' });
    expect(match('v{major:int}', '/v2')).toEqual({ major: '2' });
    expect(match('v{major:int}', '/vx')).toBeUndefined();
  });

  it('rejects malformed templates and unknown constraints', () => {
    expect(() => compileRoute('a/{b')).toThrow(/unclosed/);
    expect(() => compileRoute('{*rest}/more')).toThrow(/catch-all/);
    expect(() => compileRoute('{id:banana}')).toThrow(/Unknown route constraint "banana"/);
    expect(() => compileRoute('{a}/{A}')).toThrow(/appears twice/);
  });
});

describe('router', () => {
  const router = createRouter('api', [
    { route: 'items/{*rest}', methods: ['GET'], target: 'catchAll' },
    { route: 'items/{name}', methods: ['GET'], target: 'plain' },
    { route: 'items/{name?}', methods: ['GET'], target: 'optional' },
    { route: 'items/{id:int}', methods: ['GET'], target: 'constrained' },
    { route: 'items/new', methods: ['GET'], target: 'literal' },
    { route: 'items/new', methods: ['POST'], target: 'literalPost' },
  ]);

  it('orders matches by precedence: literal, constrained, plain, optional, catch-all', () => {
    expect(router.match('GET', '/api/items/new')?.target).toBe('literal');
    expect(router.match('GET', '/api/items/7')?.target).toBe('constrained');
    expect(router.match('GET', '/api/items/abc')?.target).toBe('plain');
    expect(router.match('GET', '/api/items')?.target).toBe('optional');
    expect(router.match('GET', '/api/items/a/b')?.target).toBe('catchAll');
  });

  it('only matches methods the route accepts, case-insensitively', () => {
    expect(router.match('post', '/api/items/new')?.target).toBe('literalPost');
    expect(router.match('DELETE', '/api/items/new')).toBeUndefined();
  });

  it('requires the route prefix, and an empty prefix removes it', () => {
    expect(router.match('GET', '/items/new')).toBeUndefined();
    const bare = createRouter('', [{ route: 'ping', methods: ['GET'], target: 'ping' }]);
    expect(bare.match('GET', '/ping')?.target).toBe('ping');
  });
});
