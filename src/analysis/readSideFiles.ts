import { AppError, ErrorCode } from '../errors';
import type { StageLog } from '../stages/progress';
import type { AnalyzerSetup, SymbolInfo } from './analyzerSetup';
import { weekdayOf } from './dayNumbers';
import { decodeText } from './decodeText';
import { parseDateField } from './parseDateField';
import { canonicalizeSymbol } from './symbolCodes';

/**
 * calendar.csv: a `date` header, then one trading day per line. Weekend dates are dropped with a warning (CN-A never
 * trades on weekends, not even on make-up working Saturdays); the result is sorted and unique.
 */
export function readCalendarFile(bytes: Uint8Array, log: StageLog): Int32Array {
  const lines = decodeText(bytes).text.split('\n');
  const days = new Set<number>();
  let weekend = 0;
  for (const raw of lines.slice(1)) {
    const line = raw.trim();
    if (line === '') continue;
    const field = Buffer.from(line.split(',')[0]!.trim(), 'latin1');
    const day = parseDateField(field, 0, field.length);
    if (day < 0) continue;
    const weekday = weekdayOf(day);
    if (weekday === 0 || weekday === 6) weekend++;
    else days.add(day);
  }
  if (weekend > 0)
    log('WARNING', `calendar.csv lists ${weekend} weekend date(s); they are not trading days and were ignored.`);
  if (days.size === 0) throw new AppError(ErrorCode.BundleInvalid, 'calendar.csv holds no trading days.');
  return Int32Array.from([...days].sort((a, b) => a - b));
}

const QLIB_CALENDAR_EXPECTED = 'expected one ascending YYYY-MM-DD date per line';

/**
 * qlib's calendars/day.txt: one `YYYY-MM-DD` per line, ascending, no header. Its order is the meaning of every
 * `.day.bin` start index, so it is kept exactly as written; a line that is not a date, or a calendar out of order, is
 * BUNDLE_INVALID rather than guessed at.
 */
export function readQlibCalendar(bytes: Uint8Array): Int32Array {
  const lines = decodeText(bytes).text.split('\n');
  const days: number[] = [];
  for (const [index, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === '') continue;
    const field = Buffer.from(line, 'latin1');
    const day = parseDateField(field, 0, field.length);
    if (day < 0 || (days.length > 0 && day <= days[days.length - 1]!)) {
      throw new AppError(
        ErrorCode.BundleInvalid,
        `calendars/day.txt line ${index + 1} ("${line.slice(0, 40)}") is ${day < 0 ? 'not a date' : 'not after the line before'}; ` +
          `${QLIB_CALENDAR_EXPECTED}.`,
      );
    }
    days.push(day);
  }
  if (days.length === 0) {
    throw new AppError(ErrorCode.BundleInvalid, `calendars/day.txt holds no trading days; ${QLIB_CALENDAR_EXPECTED}.`);
  }
  return Int32Array.from(days);
}

/** instruments.csv: symbol,name,exchange,board,list_date,delist_date,is_st (any order; only symbol is required). */
export function readInstrumentsFile(bytes: Uint8Array, log: StageLog): Map<string, SymbolInfo> {
  const { text, encoding } = decodeText(bytes);
  if (encoding === 'gb18030') log('WARNING', 'instruments.csv is not valid UTF-8; decoded as GB18030.');
  const lines = text.split('\n').map((line) => line.replace(/\r$/, ''));
  const header = splitCsvText(lines[0] ?? '').map((name) => name.trim().toLowerCase());
  const col = (name: string): number => header.indexOf(name);
  const [symbolCol, listCol, delistCol, stCol] = [col('symbol'), col('list_date'), col('delist_date'), col('is_st')];
  const infos = new Map<string, SymbolInfo>();
  if (symbolCol < 0) {
    log('WARNING', 'instruments.csv has no symbol column; ignored.');
    return infos;
  }
  for (const line of lines.slice(1)) {
    if (line.trim() === '') continue;
    const fields = splitCsvText(line);
    const symbol = canonicalizeSymbol(fields[symbolCol] ?? '');
    if (symbol === '') continue;
    infos.set(symbol, {
      symbol,
      isSt: stCol >= 0 && /^(1|true|y|yes|是)$/i.test((fields[stCol] ?? '').trim()),
      listDay: listCol >= 0 ? parseDayText(fields[listCol] ?? '') : -1,
      delistDay: delistCol >= 0 ? parseDayText(fields[delistCol] ?? '') : -1,
    });
  }
  return infos;
}

/** manifest.json: only the unit declarations change how rows are read; a malformed manifest is a warning. */
export function readManifestUnits(bytes: Uint8Array, log: StageLog): Pick<AnalyzerSetup, 'volumeUnit' | 'amountUnit'> {
  try {
    const manifest = JSON.parse(decodeText(bytes).text) as Record<string, unknown>;
    const volume = manifest.volume_unit;
    const amount = manifest.amount_unit;
    return {
      volumeUnit: volume === 'share' || volume === 'lot' ? volume : null,
      amountUnit: amount === 'yuan' || amount === 'thousand_yuan' ? amount : null,
    };
  } catch {
    log('WARNING', 'manifest.json is not valid JSON; using default units.');
    return { volumeUnit: null, amountUnit: null };
  }
}

function parseDayText(text: string): number {
  const bytes = Buffer.from(text.trim(), 'latin1');
  return bytes.length === 0 ? -1 : parseDateField(bytes, 0, bytes.length);
}

/** RFC 4180 split of one line of a small side file (names may be quoted and contain commas). */
function splitCsvText(line: string): string[] {
  const fields: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        current += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else current += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      fields.push(current);
      current = '';
    } else current += ch;
  }
  fields.push(current);
  return fields;
}
