// Dates are handled as day numbers (days since 1970-01-01, a civil date with no time zone), so the hot path never
// builds Date objects and a trading date is never shifted into UTC.

/**
 * Day numbers the analysis accepts run from 1970-01-01 (0) to 2099-12-31 (DAY_LIMIT - 1): small enough to index
 * per-day arrays directly. A date outside reads as no date.
 */
export const DAY_LIMIT = 47482;

/** Day number of a proleptic Gregorian civil date, or -1 when the date does not exist. */
export function toDayNumber(year: number, month: number, day: number): number {
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return -1;
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** `YYYY-MM-DD` for a day number. */
export function formatDayNumber(dayNumber: number): string {
  const z = dayNumber + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return `${String(year).padStart(4, '0')}-${month < 10 ? '0' : ''}${month}-${day < 10 ? '0' : ''}${day}`;
}

/** Parses a strict `YYYY-MM-DD`; -1 when malformed. */
export function parseIsoDay(text: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return -1;
  return toDayNumber(Number(match[1]), Number(match[2]), Number(match[3]));
}

/** 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday). */
export function weekdayOf(dayNumber: number): number {
  return (((dayNumber + 4) % 7) + 7) % 7;
}

/** Monday to Friday: the days a derived calendar may hold. */
export function isWeekday(dayNumber: number): boolean {
  return weekdayOf(dayNumber) % 6 !== 0;
}

/** Ascending day numbers of every day marked in any of the maps (a byte per day number). */
export function unionCalendar(maps: readonly Uint8Array[]): Int32Array {
  const days: number[] = [];
  for (let day = 0; day < DAY_LIMIT; day++) if (maps.some((map) => map[day] === 1)) days.push(day);
  return Int32Array.from(days);
}
