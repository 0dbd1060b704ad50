import { AppError, ErrorCode } from '../errors';

// Input checks for values that may come straight from an HTTP request. Each throws INVALID_REQUEST naming the field.

export function requireOneOf<T extends string>(field: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw invalid(`${field} must be one of ${allowed.join(', ')}; got ${describe(value)}.`);
}

export function optionalOneOf<T extends string>(field: string, value: unknown, allowed: readonly T[]): T | null {
  return value === undefined || value === null ? null : requireOneOf(field, value, allowed);
}

export function requireIntegerInRange(field: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw invalid(`${field} must be an integer from ${min} to ${max}; got ${describe(value)}.`);
  }
  if (value < min || value > max) throw invalid(`${field} must be from ${min} to ${max}; got ${value}.`);
  return value;
}

export function optionalText(field: string, value: unknown, maxLength: number): string | null {
  if (value === undefined || value === null) return null;
  return requireText(field, value, maxLength);
}

export function requireText(field: string, value: unknown, maxLength: number): string {
  if (typeof value !== 'string') throw invalid(`${field} must be a string; got ${describe(value)}.`);
  if (value.length > maxLength) throw invalid(`${field} must be at most ${maxLength} characters; got ${value.length}.`);
  return value;
}

/** Task ids are lower-case UUID v4 strings; anything else cannot exist, so it is a bad request, not "not found". */
export function requireTaskId(field: string, value: unknown): string {
  if (isTaskId(value)) return value;
  throw invalid(`${field} must be a task id (a lower-case UUID v4); got ${describe(value)}.`);
}

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** Whether a value has the shape of a task id (lower-case UUID v4): no other value can name a task. */
export function isTaskId(value: unknown): value is string {
  return typeof value === 'string' && UUID_V4.test(value);
}

export function invalid(message: string): AppError {
  return new AppError(ErrorCode.InvalidRequest, message);
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  return Array.isArray(value) ? 'an array' : `a ${typeof value}`;
}
