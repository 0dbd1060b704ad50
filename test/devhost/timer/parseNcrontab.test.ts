import { describe, expect, it } from 'vitest';
import { parseTimerSchedule } from '../../../devhost/timer/parseTimerSchedule.js';
import { ncrontabCases } from '../../fixtures/ncrontabCases.js';

describe('the devhost NCRONTAB parser, against the shared table of what the Functions timer accepts', () => {
  it.each(ncrontabCases.filter((c) => c.valid))('accepts "$schedule" ($why)', ({ schedule, next }) => {
    const parsed = parseTimerSchedule(schedule, 'UTC');
    if (next) expect(parsed.next(new Date(next.after))?.toISOString()).toBe(next.at);
  });

  it.each(ncrontabCases.filter((c) => !c.valid))('rejects "$schedule" ($why)', ({ schedule }) => {
    expect(() => parseTimerSchedule(schedule, 'UTC')).toThrow(/not a valid NCRONTAB expression|not recognized/);
  });
});
