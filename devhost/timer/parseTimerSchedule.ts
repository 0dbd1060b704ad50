import { DevhostError, DevhostErrorCode } from '../devhostError.js';
import { nextNcrontabWallTime, parseNcrontab } from './parseNcrontab.js';
import { parseTimeSpan } from './parseTimeSpan.js';
import { fromWallTime, toWallTime } from './zonedTime.js';

/** A parsed timer schedule. */
export interface TimerSchedule {
  readonly kind: 'ncrontab' | 'timespan';
  readonly expression: string;
  /** The Timer object's schedule.adjustForDST: true for cron schedules, false for TimeSpan. */
  readonly adjustForDST: boolean;
  /** The smallest sub-minute gap between occurrences decides whether the host monitors the schedule. */
  readonly isSubMinute: boolean;
  /** The first occurrence strictly after `after`, or undefined if there is none. */
  next(after: Date): Date | undefined;
}

/**
 * Parses an NCRONTAB (six fields) or TimeSpan schedule. Cron occurrences are wall-clock times in timeZone: a time
 * skipped by a DST jump runs just after the jump, a time repeated by a fall-back runs once (the first time).
 */
export function parseTimerSchedule(expression: string, timeZone: string): TimerSchedule {
  const intervalMs = expression.includes(' ') ? undefined : parseTimeSpan(expression);
  if (intervalMs !== undefined) {
    return {
      kind: 'timespan',
      expression,
      adjustForDST: false,
      isSubMinute: intervalMs < 60_000,
      next: (after) => new Date(after.getTime() + intervalMs),
    };
  }
  if (!expression.includes(' ')) {
    throw new DevhostError(
      DevhostErrorCode.InvalidConfig,
      `The schedule "${expression}" was not recognized as a valid NCRONTAB expression or TimeSpan string.`,
    );
  }
  const cron = parseNcrontab(expression);
  const next = (after: Date): Date | undefined => {
    const afterMs = after.getTime();
    let wall = toWallTime(afterMs, timeZone);
    for (let attempts = 0; attempts < 4; attempts += 1) {
      const candidate = nextNcrontabWallTime(cron, wall);
      if (candidate === undefined) return undefined;
      const instant = fromWallTime(candidate, timeZone).find((i) => i > afterMs);
      if (instant !== undefined) return new Date(instant);
      wall = candidate;
    }
    return undefined;
  };
  const probe = next(new Date(Date.UTC(2001, 0, 1)));
  const following = probe && next(probe);
  return {
    kind: 'ncrontab',
    expression,
    adjustForDST: true,
    isSubMinute:
      cron.seconds.size > 1 &&
      probe !== undefined &&
      following !== undefined &&
      following.getTime() - probe.getTime() < 60_000,
    next,
  };
}
