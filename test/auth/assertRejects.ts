import { expect } from 'vitest';
import { AppError } from '../../src/errors';
import type { ErrorCode } from '../../src/errors';

/** Awaits `promise`, asserts it rejects with an AppError of `code`, and returns the error for further checks. */
export async function expectAppError(promise: Promise<unknown>, code: ErrorCode): Promise<AppError> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  expect(caught, 'expected a rejection').toBeInstanceOf(AppError);
  const appError = caught as AppError;
  expect(appError.code).toBe(code);
  return appError;
}
