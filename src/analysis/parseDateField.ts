import { daysInMonth, toDayNumber } from './dayNumbers';

const ZERO = 48;
const DASH = 45;
const SLASH = 47;

/**
 * Parses a date field straight from bytes: `YYYY-MM-DD`, `YYYY/MM/DD` (month and day may drop their zero padding,
 * `2024/3/4`, as spreadsheets save them), `YYYYMMDD` or `YYYY年M月D日` (a spreadsheet's Chinese date format saved as
 * shown, in UTF-8 or GB18030), optionally followed by a midnight time ` 00:00:00` or `T00:00:00` (exports that write
 * timestamps; `.000` milliseconds allowed), which may carry a UTC offset (`-04:00`, `+08:00`, `Z`: yfinance writes its
 * daily bars at midnight in the exchange's time zone, so the date as written is the trading date). Returns a day
 * number, or -1 when the field is not a date (or lies outside 1970–2099).
 */
export function parseDateField(bytes: Uint8Array, start: number, end: number): number {
  let length = end - start;
  // Past the year, only 年 is not ASCII.
  if ((bytes[start + 4] ?? 0) >= 0x80) return chineseDate(bytes, start, end);
  if ((length === 29 || length === 25 || length === 23) && isUtcOffset(bytes, start + length - 6)) length -= 6;
  else if ((length === 24 || length === 20 || length === 18) && bytes[start + length - 1] === UTC_Z) length -= 1;
  if (length === 23 && isZeroMilliseconds(bytes, start + 19)) length -= 4;
  if (length === 19 || length === 17) {
    // Accept only a midnight time part; any other time of day is not a daily bar.
    if (!isMidnightSuffix(bytes, start + length - 9)) return -1;
    length -= 9;
  }
  if (length === 10) {
    const sep = bytes[start + 4];
    if ((sep !== DASH && sep !== SLASH) || bytes[start + 7] !== sep) return -1;
    const year = readDigits(bytes, start, 4);
    const month = readDigits(bytes, start + 5, 2);
    const day = readDigits(bytes, start + 8, 2);
    if (year < 0 || month < 0 || day < 0) return -1;
    return dayOf(year, month, day);
  }
  if (length === 8) {
    const year = readDigits(bytes, start, 4);
    const month = readDigits(bytes, start + 4, 2);
    const day = readDigits(bytes, start + 6, 2);
    if (year >= 0 && month >= 0 && day >= 0) return dayOf(year, month, day);
  }
  return length === 8 || length === 9 ? unpaddedDate(bytes, start, start + length) : -1;
}

/** `2024/3/4` or `2024-03-4`: a month and day without their zero padding, as a spreadsheet saves them. */
function unpaddedDate(bytes: Uint8Array, start: number, end: number): number {
  const sep = bytes[start + 4];
  if (sep !== DASH && sep !== SLASH) return -1;
  const second = bytes.indexOf(sep, start + 5);
  if (second < 0 || second >= end) return -1;
  const monthDigits = second - start - 5;
  const dayDigits = end - second - 1;
  if (monthDigits < 1 || monthDigits > 2 || dayDigits < 1 || dayDigits > 2) return -1;
  const year = readDigits(bytes, start, 4);
  const month = readDigits(bytes, start + 5, monthDigits);
  const day = readDigits(bytes, second + 1, dayDigits);
  if (year < 0 || month < 0 || day < 0) return -1;
  return dayOf(year, month, day);
}

// 年, 月 and 日 as UTF-8 and as GB18030 writes them (a file's rows are read as bytes, in the file's own encoding).
const CHINESE_DATE_MARKS = [
  { nian: [0xe5, 0xb9, 0xb4], yue: [0xe6, 0x9c, 0x88], ri: [0xe6, 0x97, 0xa5] },
  { nian: [0xc4, 0xea], yue: [0xd4, 0xc2], ri: [0xc8, 0xd5] },
] as const;

/** `2024年3月4日` (month and day with or without their zero padding), in UTF-8 or GB18030. */
function chineseDate(bytes: Uint8Array, start: number, end: number): number {
  for (const { nian, yue, ri } of CHINESE_DATE_MARKS) {
    if (!matches(bytes, start + 4, nian)) continue;
    const monthAt = start + 4 + nian.length;
    const yueAt = bytes.indexOf(yue[0], monthAt);
    const dayAt = yueAt + yue.length;
    const riAt = end - ri.length;
    if (yueAt < 0 || !matches(bytes, yueAt, yue) || !matches(bytes, riAt, ri)) return -1;
    const monthDigits = yueAt - monthAt;
    const dayDigits = riAt - dayAt;
    if (monthDigits < 1 || monthDigits > 2 || dayDigits < 1 || dayDigits > 2) return -1;
    const year = readDigits(bytes, start, 4);
    const month = readDigits(bytes, monthAt, monthDigits);
    const day = readDigits(bytes, dayAt, dayDigits);
    if (year < 0 || month < 0 || day < 0) return -1;
    return dayOf(year, month, day);
  }
  return -1;
}

function matches(bytes: Uint8Array, at: number, expected: readonly number[]): boolean {
  return expected.every((byte, i) => bytes[at + i] === byte);
}

// The day number of the first of every month from 1970 to 2099 and the month's length: a date is two lookups, not
// calendar arithmetic (every row of every file has one).
const FIRST_YEAR = 1970;
const LAST_YEAR = 2099;
const MONTH_START = new Int32Array((LAST_YEAR - FIRST_YEAR + 1) * 12);
const MONTH_DAYS = new Uint8Array(MONTH_START.length);
for (let year = FIRST_YEAR; year <= LAST_YEAR; year++) {
  for (let month = 1; month <= 12; month++) {
    MONTH_START[(year - FIRST_YEAR) * 12 + month - 1] = toDayNumber(year, month, 1);
    MONTH_DAYS[(year - FIRST_YEAR) * 12 + month - 1] = daysInMonth(year, month);
  }
}

function dayOf(year: number, month: number, day: number): number {
  if (year < FIRST_YEAR || year > LAST_YEAR || month < 1 || month > 12 || day < 1) return -1;
  const index = (year - FIRST_YEAR) * 12 + month - 1;
  return day > MONTH_DAYS[index]! ? -1 : MONTH_START[index]! + day - 1;
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
const ISO_T = 84;
const UTC_Z = 90;
const PLUS = 43;
const COLON = 58;
const DOT = 46;

/** ` 00:00:00` or `T00:00:00` at `at`. */
function isMidnightSuffix(bytes: Uint8Array, at: number): boolean {
  if (bytes[at] !== MIDNIGHT[0] && bytes[at] !== ISO_T) return false;
  for (let i = 1; i < MIDNIGHT.length; i++) if (bytes[at + i] !== MIDNIGHT[i]) return false;
  return true;
}

/** `.000` at `at`: milliseconds of a midnight timestamp. */
function isZeroMilliseconds(bytes: Uint8Array, at: number): boolean {
  return bytes[at] === DOT && bytes[at + 1] === ZERO && bytes[at + 2] === ZERO && bytes[at + 3] === ZERO;
}

/** `+HH:MM` or `-HH:MM` at `at`. */
function isUtcOffset(bytes: Uint8Array, at: number): boolean {
  const sign = bytes[at];
  return (
    (sign === PLUS || sign === DASH) &&
    bytes[at + 3] === COLON &&
    readDigits(bytes, at + 1, 2) >= 0 &&
    readDigits(bytes, at + 4, 2) >= 0
  );
}
