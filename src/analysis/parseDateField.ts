import { DAY_LIMIT, toDayNumber } from './dayNumbers';

const ZERO = 48;
const DASH = 45;
const SLASH = 47;

/**
 * Parses a date field straight from bytes: `YYYY-MM-DD`, `YYYY/MM/DD` or `YYYYMMDD`, optionally followed by
 * ` 00:00:00` (exports that write midnight timestamps). Returns a day number, or -1 when the field is not a date
 * (or lies outside 1970–2099).
 */
export function parseDateField(bytes: Uint8Array, start: number, end: number): number {
  let length = end - start;
  if (length === 19 || length === 17) {
    // Accept only a midnight time part; any other time of day is not a daily bar.
    if (!isMidnightSuffix(bytes, end - 9)) return -1;
    length -= 9;
  }
  if (length === 10) {
    const sep = bytes[start + 4];
    if ((sep !== DASH && sep !== SLASH) || bytes[start + 7] !== sep) return -1;
    const year = readDigits(bytes, start, 4);
    const month = readDigits(bytes, start + 5, 2);
    const day = readDigits(bytes, start + 8, 2);
    if (year < 0 || month < 0 || day < 0) return -1;
    return inRange(toDayNumber(year, month, day));
  }
  if (length === 8) {
    const year = readDigits(bytes, start, 4);
    const month = readDigits(bytes, start + 4, 2);
    const day = readDigits(bytes, start + 6, 2);
    if (year < 0 || month < 0 || day < 0) return -1;
    return inRange(toDayNumber(year, month, day));
  }
  return -1;
}

function inRange(dayNumber: number): number {
  return dayNumber < DAY_LIMIT ? dayNumber : -1;
}

function readDigits(bytes: Uint8Array, at: number, count: number): number {
  let value = 0;
  for (let i = at; i < at + count; i++) {
    const digit = (bytes[i] ?? 0) - ZERO;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

const MIDNIGHT = [32, 48, 48, 58, 48, 48, 58, 48, 48]; // " 00:00:00"

function isMidnightSuffix(bytes: Uint8Array, at: number): boolean {
  for (let i = 0; i < MIDNIGHT.length; i++) if (bytes[at + i] !== MIDNIGHT[i]) return false;
  return true;
}
