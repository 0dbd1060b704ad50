import { describe, expect, it } from 'vitest';
import { AuthFailure, AuthFailureReason } from '../../src/auth';
import { AppError, ErrorCode } from '../../src/errors';
import { STATUS_BY_CODE, toErrorResponse } from '../../src/http/toErrorResponse';

const UNAUTHORIZED_MESSAGE = 'invalid or missing bearer token';

function recordingLogger() {
  const lines: { level: 'warn' | 'error'; message: string }[] = [];
  return {
    lines,
    warn: (message: string) => lines.push({ level: 'warn', message }),
    error: (message: string) => lines.push({ level: 'error', message }),
  };
}

const EXPECTED_STATUS: Record<ErrorCode, number> = {
  INVALID_REQUEST: 400,
  UNSUPPORTED_MEDIA_TYPE: 415,
  NOT_RETRYABLE: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  TASK_NOT_FOUND: 404,
  NOT_FOUND: 404,
  NO_BUNDLE: 404,
  NO_DIFF: 404,
  TASK_RUNNING: 409,
  TASK_NOT_ACTIVE: 409,
  NO_PREVIOUS_BUNDLE: 409,
  ILLEGAL_TRANSITION: 409,
  INVALID_CONFIG: 503,
  DOWNLOAD_FAILED: 500,
  CHECKSUM_MISMATCH: 500,
  DISK_FULL: 500,
  UNSAFE_ARCHIVE: 500,
  UNSUPPORTED_ARCHIVE: 500,
  BUNDLE_INVALID: 500,
  BUNDLE_REFUSED: 500,
  CANCELLED: 500,
  INTERNAL: 500,
};

describe('toErrorResponse', () => {
  it.each(Object.values(ErrorCode))('maps %s to its status', (code) => {
    expect(STATUS_BY_CODE[code]).toBe(EXPECTED_STATUS[code]);
    expect(toErrorResponse(new AppError(code, 'message')).status).toBe(EXPECTED_STATUS[code]);
  });

  it('returns client errors with their message, code and client-safe details', () => {
    const activeTask = { task_id: '6f1c1a1e-0000-4000-8000-000000000001', status: 'running' };
    const response = toErrorResponse(
      new AppError(ErrorCode.TaskRunning, '已有任务正在运行，请等待完成后再试', {
        details: { active_task: activeTask },
      }),
    );
    expect(response).toEqual({
      status: 409,
      jsonBody: { error: '已有任务正在运行，请等待完成后再试', code: 'TASK_RUNNING', active_task: activeTask },
    });
  });

  it('never lets details overwrite the error message or code', () => {
    const response = toErrorResponse(
      new AppError(ErrorCode.InvalidRequest, 'bad limit', { details: { error: 'spoofed', code: 'SPOOFED' } }),
    );
    expect(response.jsonBody).toEqual({ error: 'bad limit', code: 'INVALID_REQUEST' });
  });

  it('uses the fixed text 任务不存在 for TASK_NOT_FOUND', () => {
    const response = toErrorResponse(new AppError(ErrorCode.TaskNotFound, 'no task 123'));
    expect(response).toEqual({ status: 404, jsonBody: { error: '任务不存在', code: 'TASK_NOT_FOUND' } });
  });

  it('challenges a request that carried no credentials with the same invalid_token challenge', () => {
    const error = new AppError(ErrorCode.Unauthorized, UNAUTHORIZED_MESSAGE, {
      cause: new AuthFailure(AuthFailureReason.Missing, 'no Authorization header'),
    });
    expect(toErrorResponse(error)).toEqual({
      status: 401,
      jsonBody: { error: UNAUTHORIZED_MESSAGE, code: 'UNAUTHORIZED' },
      headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' },
    });
  });

  it('answers a bad token with invalid_token and logs the reason as a warning', () => {
    const log = recordingLogger();
    const error = new AppError(ErrorCode.Unauthorized, UNAUTHORIZED_MESSAGE, {
      cause: new AuthFailure(AuthFailureReason.Expired, 'token has expired'),
      details: { leaked: 'should not appear' },
    });
    const response = toErrorResponse(error, log);
    expect(response.headers).toEqual({ 'WWW-Authenticate': 'Bearer error="invalid_token"' });
    expect(response.jsonBody).toEqual({ error: UNAUTHORIZED_MESSAGE, code: 'UNAUTHORIZED' });
    expect(log.lines).toHaveLength(1);
    expect(log.lines[0]).toMatchObject({ level: 'warn' });
    expect(log.lines[0]!.message).toContain('expired: token has expired');
  });

  it('answers a missing role with 403 insufficient_scope and the required role', () => {
    const response = toErrorResponse(
      new AppError(ErrorCode.Forbidden, 'this action requires the MarketData.Write role', {
        details: { required_role: 'MarketData.Write' },
      }),
    );
    expect(response).toEqual({
      status: 403,
      jsonBody: {
        error: 'this action requires the MarketData.Write role',
        code: 'FORBIDDEN',
        required_role: 'MarketData.Write',
      },
      headers: { 'WWW-Authenticate': 'Bearer error="insufficient_scope"' },
    });
  });

  it('passes a configuration error through as 503 with its message', () => {
    const log = recordingLogger();
    const response = toErrorResponse(new AppError(ErrorCode.InvalidConfig, 'authentication is not configured'), log);
    expect(response).toEqual({
      status: 503,
      jsonBody: { error: 'authentication is not configured', code: 'INVALID_CONFIG' },
    });
    expect(log.lines.map((line) => line.level)).toEqual(['error']);
  });

  it('hides an unexpected error behind a generic 500 and logs the real one', () => {
    const log = recordingLogger();
    const response = toErrorResponse(new TypeError('cannot read /var/data/secret.db'), log);
    expect(response).toEqual({ status: 500, jsonBody: { error: 'internal error', code: 'INTERNAL' } });
    expect(JSON.stringify(response)).not.toContain('/var/data');
    expect(log.lines).toHaveLength(1);
    expect(log.lines[0]!.message).toContain('TypeError: cannot read /var/data/secret.db');
  });

  it('hides a server-side AppError and its details, logging its cause chain', () => {
    const log = recordingLogger();
    const error = new AppError(ErrorCode.DiskFull, 'disk full at /mnt/data', {
      cause: new Error('ENOSPC: no space left on device'),
      details: { path: '/mnt/data' },
    });
    const response = toErrorResponse(error, log);
    expect(response).toEqual({ status: 500, jsonBody: { error: 'internal error', code: 'INTERNAL' } });
    expect(log.lines[0]!.message).toContain('[DISK_FULL]');
    expect(log.lines[0]!.message).toContain('ENOSPC');
  });

  it('handles thrown non-errors', () => {
    const log = recordingLogger();
    expect(toErrorResponse({ weird: true }, log).status).toBe(500);
    expect(toErrorResponse('plain string').status).toBe(500);
    expect(log.lines[0]!.message).toContain('weird');
  });
});
