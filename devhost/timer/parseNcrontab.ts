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

// Full names: NCrontab accepts any case-insensitive prefix of them ("M", "Mon", "Monday"), first match wins.
const monthNames = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];
const dayNames = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

interface FieldSpec {
  label: string;
  min: number;
  max: number;
  /** Names for min, min + 1, …, if the field has them. */
  names?: string[];
}

const secondSpec: FieldSpec = { label: 'second', min: 0, max: 59 };
const fields: FieldSpec[] = [
  { label: 'minute', min: 0, max: 59 },
  { label: 'hour', min: 0, max: 23 },
  { label: 'day', min: 1, max: 31 },
  { label: 'month', min: 1, max: 12, names: monthNames },
  // 0 is Sunday; NCrontab has no 7.
  { label: 'day-of-week', min: 0, max: 6, names: dayNames },
];

function invalid(expression: string, reason: string): DevhostError {
  return new DevhostError(
    DevhostErrorCode.InvalidConfig,
    `The schedule "${expression}" is not a valid NCRONTAB expression: ${reason}.`,
  );
}

// .NET's int.Parse: digits, and (for steps only) a sign; the value must fit an Int32.
function parseInt32(text: string, allowSign: boolean): number | undefined {
  if (!(allowSign ? /^[+-]?\d+$/ : /^\d+$/).test(text)) return undefined;
  const value = Number(text);
  return value >= -(2 ** 31) && value <= 2 ** 31 - 1 ? value : undefined;
}

function parseValue(text: string, spec: FieldSpec, expression: string): number {
  if (/^\d/.test(text)) {
    const value = parseInt32(text, false);
    if (value === undefined) throw invalid(expression, `"${text}" is not a number in the ${spec.label} field`);
    return value;
  }
  const lower = text.toLowerCase();
  const index = text === '' ? -1 : (spec.names?.findIndex((name) => name.startsWith(lower)) ?? -1);
  if (index < 0) throw invalid(expression, `"${text}" is not a valid ${spec.label}`);
  return index + spec.min;
}

// One list item: `*`, a value or a range `a-b` (swapped if reversed), optionally stepped `/n` (a step below 1 is 1;
// a stepped single value runs to the field's end).
function addItem(item: string, spec: FieldSpec, values: Set<number>, expression: string): void {
  if (item === '') throw invalid(expression, `an empty value in the ${spec.label} field`);
  let range = item;
  let step: number | undefined;
  const slash = item.indexOf('/');
  if (slash > 0) {
    step = parseInt32(item.slice(slash + 1), true);
    if (step === undefined) throw invalid(expression, `bad step "${item}" in the ${spec.label} field`);
    range = item.slice(0, slash);
  }
  let [from, to] = [spec.min, spec.max];
  if (range !== '*') {
    const dash = range.indexOf('-');
    if (dash > 0) {
      from = parseValue(range.slice(0, dash), spec, expression);
      to = parseValue(range.slice(dash + 1), spec, expression);
      if (from > to) [from, to] = [to, from];
    } else {
      from = parseValue(range, spec, expression);
      to = step === undefined ? from : Math.max(from, spec.max);
    }
  }
  if (from < spec.min || to > spec.max) {
    throw invalid(expression, `"${item}" is out of range for the ${spec.label} field (${spec.min}-${spec.max})`);
  }
  for (let value = from; value <= to; value += Math.max(1, step ?? 1)) values.add(value);
}

function parseField(text: string, spec: FieldSpec, expression: string): Set<number> {
  const values = new Set<number>();
  // A comma at the very start does not make a list (and then fails as a value), as in NCrontab.
  for (const item of text.indexOf(',') > 0 ? text.split(',') : [text]) addItem(item, spec, values, expression);
  return values;
}

/**
 * Parses an NCRONTAB expression as the Functions timer trigger does (NCrontab): fields separated by spaces,
 * `{second} {minute} {hour} {day} {month} {day-of-week}`, or the five fields without seconds (second 0).
 */
export function parseNcrontab(expression: string): Ncrontab {
  const parts = expression.split(' ').filter((part) => part !== '');
  if (parts.length !== 6 && parts.length !== 5) {
    throw invalid(
      expression,
      `expected six fields (second minute hour day month day-of-week) or five (without seconds), got ${parts.length}`,
    );
  }
  const seconds = parts.length === 6 ? parseField(parts.shift()!, secondSpec, expression) : new Set([0]);
  const [minutes, hours, days, months, weekdays] = parts.map((part, index) =>
    parseField(part, fields[index]!, expression),
  ) as [Set<number>, Set<number>, Set<number>, Set<number>, Set<number>];
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
