// Texts of sampled issues, built outside the per-row loops: a template literal inside a hot loop made V8 compile the
// whole loop markedly slower (measured: about a fifth of the analysis time), even though the branch rarely runs.

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
