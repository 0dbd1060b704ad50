import { formatDayNumber } from './dayNumbers';

// Texts of sampled issues, built after the per-row loops from the numbers they noted (see issueNotes.ts): a template
// literal inside a hot loop made V8 compile the whole loop markedly slower, even though the branch rarely runs.

export function ohlcDetail(open: number, high: number, low: number, close: number): string {
  return `o=${open} h=${high} l=${low} c=${close}`;
}

export function vwapDetail(vwap: number, low: number, high: number): string {
  return `vwap ${vwap} outside [${low}, ${high}]`;
}

export function fillDetail(close: number): string {
  return `o=h=l=c=${close}, volume 0`;
}

export function duplicateDetail(conflicting: boolean, firstLine: number): string {
  return `${conflicting ? 'differs from' : 'repeats'} line ${firstLine}`;
}

export function factorChangeDetail(from: number, to: number): string {
  return `adj_factor ${from} -> ${to}`;
}

/** A limit breach: the return beyond ±50% (generic rule), or the limit price the close passed (board rules). */
export function breachDetail(generic: boolean, up: boolean, bound: number, close: number): string {
  if (generic) return `return ${bound} beyond ${up ? '+' : '-'}50%`;
  return `close ${close} ${up ? 'above' : 'below'} limit ${bound}`;
}

export function staleRunDetail(rows: number, close: number, endDay: number): string {
  return `${rows} rows with close ${close} ending before ${formatDayNumber(endDay)}`;
}

export function missingDaysDetail(days: number, beforeDay: number): string {
  return `${days} trading day(s) missing before ${formatDayNumber(beforeDay)}`;
}
