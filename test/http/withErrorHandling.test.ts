import { HttpRequest, InvocationContext } from '@azure/functions';
import type { LogLevel } from '@azure/functions';
import { describe, expect, it } from 'vitest';
import { Role, createTokenVerifier, generateSecret, mintToken } from '../../src/auth';
import { AppError, ErrorCode } from '../../src/errors';
import { authenticate } from '../../src/http/authenticate';
import { readJsonBody } from '../../src/http/readJsonBody';
import { withErrorHandling, type HttpHandler } from '../../src/http/withErrorHandling';

function contextWithLog() {
  const lines: { level: LogLevel; text: string }[] = [];
  const context = new InvocationContext({
    invocationId: 'inv-1',
    functionName: 'submitTask',
    logHandler: (level, ...args) => lines.push({ level, text: args.map(String).join(' ') }),
  });
  return { context, lines };
}

function request(init: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
  return new HttpRequest({
    method: init.method ?? 'POST',
    url: 'http://127.0.0.1/api/market-data/tasks?limit=5',
    headers: init.headers ?? {},
    ...(init.body === undefined ? {} : { body: { string: init.body } }),
  });
}

describe('withErrorHandling', () => {
  it('passes a successful response through and marks it no-store', async () => {
    const { context } = contextWithLog();
    const handler = withErrorHandling(() =>
      Promise.resolve({ status: 202, jsonBody: { ok: true }, headers: { Location: '/api/x' } }),
    );
    const response = await handler(request(), context);
    expect(response.status).toBe(202);
    expect(response.jsonBody).toEqual({ ok: true });
    expect(response.headers).toEqual({ location: '/api/x', 'cache-control': 'no-store' });
  });

  it('keeps a Cache-Control header the handler chose', async () => {
    const { context } = contextWithLog();
    const handler = withErrorHandling(() =>
      Promise.resolve({ status: 200, headers: { 'Cache-Control': 'max-age=60' } }),
    );
    expect((await handler(request(), context)).headers).toEqual({ 'cache-control': 'max-age=60' });
  });

  it('turns a thrown AppError into its response, still no-store', async () => {
    const { context, lines } = contextWithLog();
    const handler = withErrorHandling(async (req) => {
      await readJsonBody(req);
      return { status: 202 };
    });
    const response = await handler(request({ body: '{oops' }), context);
    expect(response).toEqual({
      status: 400,
      jsonBody: { error: 'request body is not valid JSON', code: 'INVALID_REQUEST' },
      headers: { 'cache-control': 'no-store' },
    });
    expect(lines).toEqual([]);
  });

  it('hides an unexpected error and logs it on the invocation context with method and path', async () => {
    const { context, lines } = contextWithLog();
    const handler: HttpHandler = withErrorHandling(() =>
      Promise.reject(new RangeError('SQLITE_CORRUPT at /data/x.db')),
    );
    const response = await handler(request(), context);
    expect(response.status).toBe(500);
    expect(response.jsonBody).toEqual({ error: 'internal error', code: 'INTERNAL' });
    expect(lines).toHaveLength(1);
    expect(lines[0]!.level).toBe('error');
    expect(lines[0]!.text).toContain('POST /api/market-data/tasks: unexpected error: RangeError: SQLITE_CORRUPT');
    expect(lines[0]!.text).not.toContain('limit=5');
  });
});

describe('authenticate', () => {
  const secret = generateSecret();
  const verifier = createTokenVerifier({ kind: 'secret', secret });
  const tokenWith = (roles: string[]) => mintToken({ secret, subject: 'bob', roles, ttlSeconds: 300 });

  it('returns the principal of a valid token when no role is required', async () => {
    const token = await tokenWith([]);
    const principal = await authenticate(request({ headers: { Authorization: `Bearer ${token}` } }), verifier);
    expect(principal.subject).toBe('bob');
  });

  it('accepts a token holding the required role, or Admin in place of Write', async () => {
    for (const roles of [[Role.Write], [Role.Admin]]) {
      const token = await tokenWith(roles);
      const req = request({ headers: { authorization: `Bearer ${token}` } });
      await expect(authenticate(req, verifier, Role.Write)).resolves.toMatchObject({ subject: 'bob' });
    }
  });

  it('answers 403 through the wrapper when the role is missing', async () => {
    const { context } = contextWithLog();
    const token = await tokenWith([Role.Read]);
    const handler = withErrorHandling(async (req) => {
      await authenticate(req, verifier, Role.Write);
      return { status: 202 };
    });
    const response = await handler(request({ headers: { authorization: `Bearer ${token}` } }), context);
    expect(response.status).toBe(403);
    expect(response.jsonBody).toMatchObject({ code: 'FORBIDDEN', required_role: Role.Write });
  });

  it('answers 401 with the invalid_token challenge through the wrapper when no token is sent', async () => {
    const { context, lines } = contextWithLog();
    const handler = withErrorHandling(async (req) => {
      await authenticate(req, verifier);
      return { status: 200 };
    });
    const response = await handler(request({ method: 'GET' }), context);
    expect(response).toEqual({
      status: 401,
      jsonBody: { error: 'invalid or missing bearer token', code: 'UNAUTHORIZED' },
      headers: { 'www-authenticate': 'Bearer error="invalid_token"', 'cache-control': 'no-store' },
    });
    expect(lines.map((line) => line.level)).toEqual(['warning']);
  });

  it('answers 401 invalid_token for a token signed with another secret, without echoing it', async () => {
    const { context, lines } = contextWithLog();
    const forged = await mintToken({ secret: generateSecret(), subject: 'eve', roles: [Role.Admin], ttlSeconds: 300 });
    const handler = withErrorHandling(async (req) => {
      await authenticate(req, verifier, Role.Admin);
      return { status: 200 };
    });
    const response = await handler(request({ headers: { authorization: `Bearer ${forged}` } }), context);
    expect(response.status).toBe(401);
    expect(response.headers).toMatchObject({ 'www-authenticate': 'Bearer error="invalid_token"' });
    const signature = forged.split('.')[2]!;
    expect(JSON.stringify(response)).not.toContain(signature);
    expect(lines.map((line) => line.text).join('\n')).not.toContain(signature);
  });

  it('answers 503 when authentication is not configured', async () => {
    const { context } = contextWithLog();
    const handler = withErrorHandling(async (req) => {
      await authenticate(req, createTokenVerifier({ kind: 'none' }));
      return { status: 200 };
    });
    const response = await handler(request(), context);
    expect(response.status).toBe(503);
    expect(response.jsonBody).toEqual({
      error: 'authentication is not configured: set AUTH_JWT_SECRET or AUTH_JWKS_URL',
      code: ErrorCode.InvalidConfig,
    });
  });

  it('propagates the AppError types it throws', async () => {
    await expect(authenticate(request(), verifier)).rejects.toBeInstanceOf(AppError);
  });
});
