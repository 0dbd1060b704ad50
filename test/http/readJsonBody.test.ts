import { HttpRequest } from '@azure/functions';
import { describe, expect, it } from 'vitest';
import { AppError, ErrorCode } from '../../src/errors';
import { readJsonBody, rejectUnknownFields } from '../../src/http/readJsonBody';
import { expectAppError } from '../auth/assertRejects';

const URL = 'http://127.0.0.1/api/market-data/tasks';

function post(body: { string?: string; bytes?: Uint8Array } | undefined, headers: Record<string, string> = {}) {
  return new HttpRequest({ method: 'POST', url: URL, headers, ...(body === undefined ? {} : { body }) });
}

describe('readJsonBody', () => {
  it('parses a JSON object with a JSON content type', async () => {
    const request = post({ string: '{"task_type":"download"}' }, { 'content-type': 'application/json' });
    await expect(readJsonBody(request)).resolves.toEqual({ task_type: 'download' });
  });

  it('accepts JSON sent with another or no content type', async () => {
    await expect(readJsonBody(post({ string: '{"a":1}' }, { 'content-type': 'text/plain' }))).resolves.toEqual({
      a: 1,
    });
    await expect(readJsonBody(post({ string: '{"a":1}' }))).resolves.toEqual({ a: 1 });
  });

  it('tolerates a UTF-8 byte-order mark', async () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...Buffer.from('{"a":"é"}')]);
    await expect(readJsonBody(post({ bytes }))).resolves.toEqual({ a: 'é' });
  });

  it.each([
    ['an empty body', '', /empty/],
    ['whitespace only', '  \n', /empty/],
    ['invalid JSON', '{"task_type":', /not valid JSON/],
    ['an array', '["download"]', /JSON object/],
    ['a string', '"download"', /JSON object/],
    ['null', 'null', /JSON object/],
  ])('refuses %s as INVALID_REQUEST', async (_label, text, message) => {
    const error = await expectAppError(readJsonBody(post({ string: text })), ErrorCode.InvalidRequest);
    expect(error.message).toMatch(message);
  });

  it('refuses a request without a body', async () => {
    await expectAppError(readJsonBody(post(undefined)), ErrorCode.InvalidRequest);
  });

  it('refuses invalid UTF-8', async () => {
    const error = await expectAppError(
      readJsonBody(post({ bytes: new Uint8Array([0x7b, 0xff, 0x7d]) })),
      ErrorCode.InvalidRequest,
    );
    expect(error.message).toMatch(/UTF-8/);
  });

  it('refuses a body larger than the limit, by declared length or by actual size', async () => {
    const big = JSON.stringify({ padding: 'x'.repeat(2000) });
    const declared = post({ string: big }, { 'content-length': String(big.length) });
    expect(
      (await expectAppError(readJsonBody(declared, { maxBytes: 1024 }), ErrorCode.InvalidRequest)).message,
    ).toMatch(/larger than 1024 bytes/);
    const undeclared = post({ string: big });
    await expectAppError(readJsonBody(undeclared, { maxBytes: 1024 }), ErrorCode.InvalidRequest);
    await expect(readJsonBody(post({ string: big }), { maxBytes: big.length })).resolves.toHaveProperty('padding');
  });
});

describe('rejectUnknownFields', () => {
  it('names every unexpected field', () => {
    expect(() => rejectUnknownFields({ task_type: 'download' }, ['task_type'])).not.toThrow();
    let caught: unknown;
    try {
      rejectUnknownFields({ task_type: 'download', force: true, x: 1 }, ['task_type']);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AppError);
    expect((caught as AppError).code).toBe(ErrorCode.InvalidRequest);
    expect((caught as AppError).message).toBe('unknown field(s) in request body: "force", "x"');
  });
});
