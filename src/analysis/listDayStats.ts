import type Database from 'better-sqlite3';
import { prepareOnce } from '../db/prepareOnce';
import type { DayFlag } from './classifyDays';

export interface DayStatsRow {
  /** `YYYY-MM-DD`. */
  readonly trade_date: string;
  /** Symbols with a valid row that day. */
  readonly symbol_count: number;
  readonly zero_volume_count: number;
  readonly limit_up_count: number;
  readonly limit_down_count: number;
  /** Share of symbols whose bar repeats the previous day's, or null when no symbol traded on both days. */
  readonly repeated_fraction: number | null;
  /** `empty`, `thin` and `frozen` days (see classifyDays). */
  readonly flags: DayFlag[];
}

const SELECT_DAYS = `
  SELECT trade_date, symbol_count, zero_volume_count, limit_up_count, limit_down_count, repeated_fraction, flags
  FROM analysis_date_stats WHERE run_id = @runId ORDER BY trade_date`;

/** Every calendar day of a run, oldest first: one row per day, so a chart of the whole bundle needs one call. */
export function listDayStats(db: Database.Database, runId: number): DayStatsRow[] {
  const rows = prepareOnce<{ runId: number }, Omit<DayStatsRow, 'flags'> & { flags: string }>(db, SELECT_DAYS);
  return rows.all({ runId }).map((row) => ({
    ...row,
    flags: row.flags === '' ? [] : (row.flags.split(',') as DayFlag[]),
  }));
}
