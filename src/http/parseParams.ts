import { AppError, ErrorCode } from '../errors';

/**
 * Validating parsers for query, route and body values. An absent value (null, undefined or an empty string, as in
 * `?status=`) yields the default or undefined, unless `required`; anything invalid is INVALID_REQUEST naming the
 * parameter.
 */

export interface IntegerParamOptions {
  min?: number;
  max?: number;
  default?: number;
  required?: boolean;
}

export function parseIntegerParam(
  value: unknown,
  name: string,
  options: IntegerParamOptions & ({ default: number } | { required: true }),
): number;
export function parseIntegerParam(value: unknown, name: string, options?: IntegerParamOptions): number | undefined;
export function parseIntegerParam(value: unknown, name: string, options: IntegerParamOptions = {}): number | undefined {
  if (isAbsent(value)) return absent(name, options);
  const number = typeof value === 'number' ? value : typeof value === 'string' ? parseDecimal(value) : Number.NaN;
  const { min, max } = options;
  const range = describeRange(min, max);
  if (!Number.isSafeInteger(number)) {
    throw invalid(`${name} must be an integer${range}`);
  }
  if ((min !== undefined && number < min) || (max !== undefined && number > max)) {
    throw invalid(`${name} must be an integer${range}`);
  }
  return number;
}

export function parseEnumParam<T extends string>(
  value: unknown,
  name: string,
  allowed: readonly T[],
  options: { default: T } | { required: true },
): T;
export function parseEnumParam<T extends string>(
  value: unknown,
  name: string,
  allowed: readonly T[],
  options?: { default?: T; required?: boolean },
): T | undefined;
export function parseEnumParam<T extends string>(
  value: unknown,
  name: string,
  allowed: readonly T[],
  options: { default?: T; required?: boolean } = {},
): T | undefined {
  if (isAbsent(value)) return absent(name, options);
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw invalid(`${name} must be one of: ${allowed.join(', ')}`);
}

/** A trimmed string of at most `maxLength` characters (default 200). */
export function parseStringParam(
  value: unknown,
  name: string,
  options: { maxLength?: number; required?: boolean } = {},
): string | undefined {
  if (typeof value === 'string' && value.trim() !== '') {
    const maxLength = options.maxLength ?? 200;
    const text = value.trim();
    if (text.length > maxLength) throw invalid(`${name} must be at most ${maxLength} characters`);
    return text;
  }
  if (isAbsent(value)) return absent(name, options);
  throw invalid(`${name} must be a string`);
}

function isAbsent(value: unknown): value is null | undefined | '' {
  return value === null || value === undefined || (typeof value === 'string' && value.trim() === '');
}

function absent<T>(name: string, options: { default?: T; required?: boolean }): T | undefined {
  if (options.default !== undefined) return options.default;
  if (options.required === true) throw invalid(`${name} is required`);
  return undefined;
}

/** Strict decimal: no hex, exponents, fractions or trailing junk (Number('1e3') and parseInt('12abc') accept those). */
function parseDecimal(text: string): number {
  const trimmed = text.trim();
  return /^[+-]?\d{1,16}$/.test(trimmed) ? Number(trimmed) : Number.NaN;
}

function describeRange(min: number | undefined, max: number | undefined): string {
  if (min !== undefined && max !== undefined) return ` between ${min} and ${max}`;
  if (min !== undefined) return ` of at least ${min}`;
  if (max !== undefined) return ` of at most ${max}`;
  return '';
}

function invalid(message: string): AppError {
  return new AppError(ErrorCode.InvalidRequest, message);
}
