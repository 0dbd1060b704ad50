import { describe, expect, it } from 'vitest';
import { parseTimerSchedule } from '../../../devhost/timer/parseTimerSchedule.js';
import { parseTimeSpan } from '../../../devhost/timer/parseTimeSpan.js';

const next = (expression: string, after: string, timeZone = 'UTC'): string | undefined =>
  parseTimerSchedule(expression, timeZone).next(new Date(after))?.toISOString();

function occurrences(expression: string, after: string, count: number, timeZone = 'UTC'): string[] {
  const schedule = parseTimerSchedule(expression, timeZone);
  const result: string[] = [];
  let at = new Date(after);
  for (let i = 0; i < count; i += 1) {
    at = schedule.next(at)!;
    result.push(at.toISOString());
  }
  return result;
}

describe('NCRONTAB schedules', () => {
  it('reads six fields with the seconds first', () => {
    expect(next('*/30 * * * * *', '2024-05-01T10:00:10Z')).toBe('2024-05-01T10:00:30.000Z');
    expect(next('0 */5 * * * *', '2024-05-01T10:03:00Z')).toBe('2024-05-01T10:05:00.000Z');
    expect(next('0 0 * * * *', '2024-05-01T10:00:00Z')).toBe('2024-05-01T11:00:00.000Z');
  });

  it('supports ranges, lists, stepped ranges and day and month names', () => {
    expect(occurrences('0 30 9 * * 1-5', '2024-05-03T10:00:00Z', 2)).toEqual([
      '2024-05-06T09:30:00.000Z',
      '2024-05-07T09:30:00.000Z',
    ]);
    expect(occurrences('0 0 8,20 * * *', '2024-05-01T09:00:00Z', 2)).toEqual([
      '2024-05-01T20:00:00.000Z',
      '2024-05-02T08:00:00.000Z',
    ]);
    expect(occurrences('10-40/15 0 0 1 1 *', '2023-12-31T00:00:00Z', 3)).toEqual([
      '2024-01-01T00:00:10.000Z',
      '2024-01-01T00:00:25.000Z',
      '2024-01-01T00:00:40.000Z',
    ]);
    expect(next('0 0 12 * Feb Mon', '2024-01-15T00:00:00Z')).toBe('2024-02-05T12:00:00.000Z');
    expect(next('0 0 12 * * sunday', '2024-05-01T00:00:00Z')).toBe('2024-05-05T12:00:00.000Z');
  });

  it('requires day of month and day of week to both match', () => {
    // 13 September 2024 is a Friday; the next Friday the 13th after it is in December.
    expect(next('0 0 0 13 * Fri', '2024-09-14T00:00:00Z')).toBe('2024-12-13T00:00:00.000Z');
  });

  it('finds leap days and reports no occurrence for impossible dates', () => {
    expect(next('0 0 0 29 2 *', '2024-03-01T00:00:00Z')).toBe('2028-02-29T00:00:00.000Z');
    expect(next('0 0 0 30 2 *', '2024-01-01T00:00:00Z')).toBeUndefined();
  });

  it('computes occurrences in a time zone, across daylight-saving changes', () => {
    expect(next('0 30 9 * * *', '2024-01-10T12:00:00Z', 'America/New_York')).toBe('2024-01-10T14:30:00.000Z');
    expect(next('0 30 9 * * *', '2024-07-10T12:00:00Z', 'America/New_York')).toBe('2024-07-10T13:30:00.000Z');
    // Berlin springs forward at 02:00 on 31 March 2024: 02:30 does not exist and runs at 03:30 CEST instead.
    expect(next('0 30 2 * * *', '2024-03-30T12:00:00Z', 'Europe/Berlin')).toBe('2024-03-31T01:30:00.000Z');
    // Berlin falls back at 03:00 on 27 October 2024: the wall time 02:30 happens twice but runs once.
    expect(occurrences('0 30 2 * * *', '2024-10-26T12:00:00Z', 3, 'Europe/Berlin')).toEqual([
      '2024-10-27T00:30:00.000Z',
      '2024-10-28T01:30:00.000Z',
      '2024-10-29T01:30:00.000Z',
    ]);
  });

  it('rejects malformed expressions with the reason', () => {
    expect(() => parseTimerSchedule('0 * * *', 'UTC')).toThrow(/six fields .* or five/);
    expect(() => parseTimerSchedule('61 * * * * *', 'UTC')).toThrow(/out of range for the second field/);
    expect(() => parseTimerSchedule('0 0 0 * * Funday', 'UTC')).toThrow(/not a valid day-of-week/);
    expect(() => parseTimerSchedule('every minute', 'UTC')).toThrow(/NCRONTAB/);
    expect(() => parseTimerSchedule('soon', 'UTC')).toThrow(/not recognized/);
  });

  it('marks cron schedules as DST-adjusted and knows sub-minute ones', () => {
    expect(parseTimerSchedule('*/10 * * * * *', 'UTC')).toMatchObject({ adjustForDST: true, isSubMinute: true });
    expect(parseTimerSchedule('0 */1 * * * *', 'UTC')).toMatchObject({ kind: 'ncrontab', isSubMinute: false });
  });
});

describe('TimeSpan schedules', () => {
  it('reads hh:mm:ss, d.hh:mm:ss and the dd:hh:mm form for a first number of 24 or more', () => {
    expect(parseTimeSpan('01:00:00')).toBe(3_600_000);
    expect(parseTimeSpan('00:00:05')).toBe(5_000);
    expect(parseTimeSpan('1.02:03:04')).toBe(((26 * 60 + 3) * 60 + 4) * 1000);
    expect(parseTimeSpan('24:00:00')).toBe(24 * 86_400_000);
    expect(parseTimeSpan('00:00:00')).toBeUndefined();
    expect(parseTimeSpan('10:61:00')).toBeUndefined();
  });

  it('schedules an interval after the given time, not DST-adjusted', () => {
    const schedule = parseTimerSchedule('00:05:00', 'Europe/Berlin');
    expect(schedule).toMatchObject({ kind: 'timespan', adjustForDST: false, isSubMinute: false });
    expect(schedule.next(new Date('2024-05-01T10:00:00Z'))?.toISOString()).toBe('2024-05-01T10:05:00.000Z');
  });
});
