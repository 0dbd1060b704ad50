import { weekdayOf } from './dayNumbers';
import { bomLength, decodeText } from './decodeText';
import { resolveHeaderColumns } from './headerColumns';
import { parseDateField } from './parseDateField';
import { createFieldRanges, isBlankLine, scanCsvLine } from './scanCsvLine';

/** Adds every weekday date found in one CSV (header first) to `days`; used when the bundle has no calendar.csv. */
export function collectDates(bytes: Buffer, days: Set<number>): void {
  let pos = bomLength(bytes);
  const headerEndAt = bytes.indexOf(10, pos);
  const headerEnd = headerEndAt < 0 ? bytes.length : headerEndAt + 1;
  const header = resolveHeaderColumns(
    decodeText(bytes.subarray(pos, headerEnd))
      .text.replace(/\r?\n$/, '')
      .split(','),
  );
  const dateCol = header.indexes.date;
  if (dateCol < 0) return;
  // A range for every header column, so a date column far to the right is still read.
  const fields = createFieldRanges(Math.max(64, header.fieldCount));
  pos = headerEnd;
  while (pos < bytes.length) {
    if (isBlankLine(bytes, pos, bytes.length)) {
      const at = bytes.indexOf(10, pos);
      pos = at < 0 ? bytes.length : at + 1;
      continue;
    }
    pos = scanCsvLine(bytes, pos, bytes.length, fields);
    if (dateCol >= fields.count) continue;
    const day = parseDateField(bytes, fields.starts[dateCol]!, fields.ends[dateCol]!);
    const weekday = day >= 0 ? weekdayOf(day) : 0;
    if (day >= 0 && weekday !== 0 && weekday !== 6) days.add(day);
  }
}
