import { formatDayNumber, weekdayOf } from '../../src/analysis/dayNumbers';

/**
 * `count` trading days from `startDay` (a day number): weekdays minus a deterministic holiday set — Jan 1, May 1,
 * Oct 1–7 and a pseudo Spring Festival week (Feb 10–16).
 */
export function buildSyntheticCalendar(startDay: number, count: number): Int32Array {
  const days = new Int32Array(count);
  let day = startDay;
  let n = 0;
  while (n < count) {
    if (isTradingDay(day)) days[n++] = day;
    day++;
  }
  return days;
}

function isTradingDay(day: number): boolean {
  const weekday = weekdayOf(day);
  if (weekday === 0 || weekday === 6) return false;
  const monthDay = formatDayNumber(day).slice(5);
  if (monthDay === '01-01' || monthDay === '05-01') return false;
  if (monthDay >= '10-01' && monthDay <= '10-07') return false;
  return !(monthDay >= '02-10' && monthDay <= '02-16');
}
