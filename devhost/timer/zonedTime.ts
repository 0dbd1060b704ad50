import { DevhostError, DevhostErrorCode } from '../devhostError.js';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Throws a configuration error unless the runtime knows the IANA time zone. */
export function assertTimeZone(timeZone: string): void {
  try {
    formatterFor(timeZone);
  } catch (error) {
    throw new DevhostError(
      DevhostErrorCode.InvalidConfig,
      `Unknown time zone "${timeZone}" (WEBSITE_TIME_ZONE / TZ): use an IANA name such as "Europe/Berlin".`,
      { cause: error },
    );
  }
}

/** The wall-clock time in timeZone at `instantMs`, as naive milliseconds (read with the UTC accessors). */
export function toWallTime(instantMs: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(instantMs))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const wall = Date.UTC(
    parts['year']!,
    parts['month']! - 1,
    parts['day'],
    parts['hour'],
    parts['minute'],
    parts['second'],
  );
  return wall + (instantMs - Math.floor(instantMs / 1000) * 1000);
}

/**
 * The instants whose wall-clock time in timeZone is `wallMs`, earliest first: one normally, two in a DST fall-back
 * hour. For a wall time skipped by a DST jump, the instant the pre-jump offset gives (it lands just after the gap).
 */
export function fromWallTime(wallMs: number, timeZone: string): number[] {
  const dayMs = 86_400_000;
  const offsets = new Set([wallMs - dayMs, wallMs + dayMs].map((probe) => toWallTime(probe, timeZone) - probe));
  const instants = [...offsets].map((offset) => wallMs - offset).filter((i) => toWallTime(i, timeZone) === wallMs);
  if (instants.length > 0) return [...new Set(instants)].sort((a, b) => a - b);
  const before = toWallTime(wallMs - dayMs, timeZone) - (wallMs - dayMs);
  return [wallMs - before];
}
