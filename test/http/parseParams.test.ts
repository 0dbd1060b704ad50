import { HttpRequest } from '@azure/functions';
import { describe, expect, it } from 'vitest';
import { AppError, ErrorCode } from '../../src/errors';
import { parseEnumParam, parseIntegerParam, parseStringParam } from '../../src/http/parseParams';

function query(search: string): URLSearchParams {
  return new HttpRequest({ method: 'GET', url: `http://127.0.0.1/api/market-data/tasks${search}` }).query;
}

function invalidMessage(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe(ErrorCode.InvalidRequest);
    return (error as AppError).message;
  }
  throw new Error('expected INVALID_REQUEST');
}

describe('parseIntegerParam', () => {
  const limit = { min: 1, max: 200, default: 50 };

  it('reads a value in range and falls back to the default when absent or empty', () => {
    expect(parseIntegerParam(query('?limit=10').get('limit'), 'limit', limit)).toBe(10);
    expect(parseIntegerParam(query('').get('limit'), 'limit', limit)).toBe(50);
    expect(parseIntegerParam(query('?limit=').get('limit'), 'limit', limit)).toBe(50);
    expect(parseIntegerParam(query('?after=7').get('missing'), 'after', { min: 0 })).toBeUndefined();
  });

  it.each(['0', '201', '-1', '1.5', '1e2', '0x10', '12abc', 'ten', '99999999999999999'])(
    'refuses limit=%s naming the parameter and its range',
    (value) => {
      expect(invalidMessage(() => parseIntegerParam(query(`?limit=${value}`).get('limit'), 'limit', limit))).toBe(
        'limit must be an integer between 1 and 200',
      );
    },
  );

  it('requires a value when asked to', () => {
    expect(invalidMessage(() => parseIntegerParam(null, 'after', { required: true }))).toBe('after is required');
  });
});

describe('parseEnumParam', () => {
  const statuses = ['pending', 'running', 'success', 'failed', 'cancelled'] as const;

  it('accepts an allowed value and treats an empty one as absent', () => {
    expect(parseEnumParam(query('?status=running').get('status'), 'status', statuses)).toBe('running');
    expect(parseEnumParam(query('?status=').get('status'), 'status', statuses)).toBeUndefined();
    expect(parseEnumParam(undefined, 'level', ['info', 'warn'], { default: 'info' })).toBe('info');
  });

  it('refuses an unknown or non-string value, listing the allowed ones', () => {
    expect(invalidMessage(() => parseEnumParam('RUNNING', 'status', statuses))).toBe(
      'status must be one of: pending, running, success, failed, cancelled',
    );
    expect(invalidMessage(() => parseEnumParam(42, 'task_type', ['download', 'analyze']))).toBe(
      'task_type must be one of: download, analyze',
    );
    expect(invalidMessage(() => parseEnumParam(undefined, 'task_type', ['download'], { required: true }))).toBe(
      'task_type is required',
    );
  });
});

describe('parseStringParam', () => {
  it('trims, limits the length and treats blank as absent', () => {
    expect(parseStringParam(query('?q=%20AAPL%20').get('q'), 'q')).toBe('AAPL');
    expect(parseStringParam(query('?q=').get('q'), 'q')).toBeUndefined();
    expect(invalidMessage(() => parseStringParam('x'.repeat(65), 'q', { maxLength: 64 }))).toBe(
      'q must be at most 64 characters',
    );
    expect(invalidMessage(() => parseStringParam(['a'], 'q'))).toBe('q must be a string');
  });
});
