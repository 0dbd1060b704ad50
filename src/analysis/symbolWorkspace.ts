import { DAY_LIMIT } from './dayNumbers';
import { createRowTable, type RowTable } from './rowTable';

/**
 * Per-analyzer buffers reused from one symbol to the next: the row table and per-day markers indexed by day number
 * (so neither a calendar nor a sort is needed to read a symbol). Only the days a symbol touched are reset.
 */
export interface SymbolWorkspace {
  readonly table: RowTable;
  /** 1 when the symbol has a row that day on the calendar (a parse-error row with a readable date included). */
  readonly presentAt: Uint8Array;
  /** The row that passed row checks 1–4 that day, else -1. */
  readonly validRowAt: Int32Array;
  /** The first row read for that day (on or off the calendar), else -1: later ones are duplicates. */
  readonly firstRowAt: Int32Array;
  /** The limit percent that day, written for the present days' range before the sequence checks (fillLimitPercents). */
  readonly limitPercents: Float64Array;
  /** Range of present days (minDay > maxDay when none). */
  minDay: number;
  maxDay: number;
  markPresent(day: number): void;
  /** Clears every marker of the previous symbol and empties the table. */
  reset(): void;
}

export function createSymbolWorkspace(): SymbolWorkspace {
  const presentAt = new Uint8Array(DAY_LIMIT);
  const validRowAt = new Int32Array(DAY_LIMIT).fill(-1);
  const firstRowAt = new Int32Array(DAY_LIMIT).fill(-1);
  let touchedMin = DAY_LIMIT;
  let touchedMax = -1;
  const table = createRowTable();
  const workspace: SymbolWorkspace = {
    table,
    presentAt,
    validRowAt,
    firstRowAt,
    limitPercents: new Float64Array(DAY_LIMIT),
    minDay: DAY_LIMIT,
    maxDay: -1,
    markPresent(day) {
      presentAt[day] = 1;
      if (day < workspace.minDay) workspace.minDay = day;
      if (day > workspace.maxDay) workspace.maxDay = day;
    },
    reset() {
      // firstRowAt also holds off-calendar days, so the reset range covers every row's day, not only present ones.
      for (let row = 0; row < table.length; row++) {
        const day = table.day[row]!;
        if (day < touchedMin) touchedMin = day;
        if (day > touchedMax) touchedMax = day;
      }
      if (workspace.minDay < touchedMin) touchedMin = workspace.minDay;
      if (workspace.maxDay > touchedMax) touchedMax = workspace.maxDay;
      if (touchedMax >= touchedMin) {
        presentAt.fill(0, touchedMin, touchedMax + 1);
        validRowAt.fill(-1, touchedMin, touchedMax + 1);
        firstRowAt.fill(-1, touchedMin, touchedMax + 1);
      }
      touchedMin = DAY_LIMIT;
      touchedMax = -1;
      table.length = 0;
      workspace.minDay = DAY_LIMIT;
      workspace.maxDay = -1;
    },
  };
  return workspace;
}
