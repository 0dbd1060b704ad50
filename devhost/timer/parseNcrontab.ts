import { DevhostError, DevhostErrorCode } from '../devhostError.js';

/** A six-field NCRONTAB expression: allowed values per field. */
export interface Ncrontab {
  seconds: ReadonlySet<number>;
  minutes: ReadonlySet<number>;
  hours: ReadonlySet<number>;
  days: ReadonlySet<number>;
  months: ReadonlySet<number>;
  /** 0 = Sunday. */
  weekdays: ReadonlySet<number>;
}

const monthNames = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const dayNames = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

interface FieldSpec {
  label: string;
  min: number;
  max: number;
  names?: string[];
  /** First name maps to this number (months start at 1). */
  nameBase?: number;
}

const fields: FieldSpec[] = [
  { label: 'second', min: 0, max: 59 },
  { label: 'minute', min: 0, max: 59 },
  { label: 'hour', min: 0, max: 23 },
  { label: 'day', min: 1, max: 31 },
  { label: 'month', min: 1, max: 12, names: monthNames, nameBase: 1 },
  // 7 is accepted as Sunday, as most cron dialects do.
  { label: 'day-of-week', min: 0, max: 7, names: dayNames, nameBase: 0 },
];

function parseValue(text: string, spec: FieldSpec, expression: string): number {
  if (/^\d+$/.test(text)) return Number(text);
  const lower = text.toLowerCase();
  // Full English names and three-letter abbreviations both count.
  const index = spec.names?.findIndex((name) => lower.startsWith(name) && lower.length >= 3) ?? -1;
  if (index < 0) throw invalid(expression, `"${text}" is not a valid ${spec.label}`);
  return index + (spec.nameBase ?? 0);
}

function invalid(expression: string, reason: string): DevhostError {
  return new DevhostError(
    DevhostErrorCode.InvalidConfig,
    `The schedule "${expression}" is not a valid NCRONTAB expression: ${reason}.`,
  );
}

function parseField(text: string, spec: FieldSpec, expression: string): Set<number> {
  const values = new Set<number>();
  for (const item of text.split(',')) {
    const [rangeText = '', stepText] = item.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw invalid(expression, `bad step "${item}" in the ${spec.label} field`);
    let [from, to] = [spec.min, spec.max];
    if (rangeText !== '*') {
      const [start = '', end] = rangeText.split('-');
      from = parseValue(start, spec, expression);
      to = end === undefined ? (stepText === undefined ? from : spec.max) : parseValue(end, spec, expression);
    }
    if (from < spec.min || to > spec.max || from > to) {
      throw invalid(expression, `"${item}" is out of range for the ${spec.label} field (${spec.min}-${spec.max})`);
    }
    for (let value = from; value <= to; value += step) values.add(value);
  }
  return values;
}

/** Parses `{second} {minute} {hour} {day} {month} {day-of-week}`. */
export function parseNcrontab(expression: string): Ncrontab {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== 6) {
    throw invalid(expression, `expected six fields (second minute hour day month day-of-week), got ${parts.length}`);
  }
  const [seconds, minutes, hours, days, months, weekdays] = parts.map((part, index) =>
    parseField(part, fields[index]!, expression),
  ) as [Set<number>, Set<number>, Set<number>, Set<number>, Set<number>, Set<number>];
  if (weekdays.delete(7)) weekdays.add(0);
  return { seconds, minutes, hours, days, months, weekdays };
}

/**
 * The first wall-clock time strictly after `wallMs` that matches, as "naive" milliseconds (a wall time read through
 * the UTC accessors of Date). Day-of-month and day-of-week must both match, as in NCrontab. Undefined when nothing
 * matches within eight years (e.g. 30 February).
 */
export function nextNcrontabWallTime(cron: Ncrontab, wallMs: number): number | undefined {
  let t = Math.floor(wallMs / 1000) * 1000 + 1000;
  const limit = t + 8 * 366 * 86_400_000;
  while (t < limit) {
    const d = new Date(t);
    if (!cron.months.has(d.getUTCMonth() + 1)) {
      t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
    } else if (!cron.days.has(d.getUTCDate()) || !cron.weekdays.has(d.getUTCDay())) {
      t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1);
    } else if (!cron.hours.has(d.getUTCHours())) {
      t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours() + 1);
    } else if (!cron.minutes.has(d.getUTCMinutes())) {
      t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes() + 1);
    } else if (!cron.seconds.has(d.getUTCSeconds())) {
      t += 1000;
    } else {
      return t;
    }
  }
  return undefined;
}
