import type { Bar } from './simulateBars';

/** The fields qlib's dump writes for a daily bundle that the analysis reads (qlib itself needs at least these). */
const FIELDS = ['open', 'high', 'low', 'close', 'volume', 'amount', 'factor'] as const;

/**
 * One symbol's `<field>.day.bin` files in qlib's binary layout: little-endian float32, element 0 the calendar index of
 * the first value, then one value per calendar day to the last, NaN where the symbol has no row. Prices are adjusted
 * the way qlib's collectors adjust them: factor = adj_factor ÷ the first raw close (so the adjusted series starts near
 * 1), price × factor, volume ÷ factor, amount raw.
 */
export function writeQlibSymbol(firstCal: number, bars: readonly (Bar | null)[]): Map<string, Buffer> {
  const firstClose = bars.find((bar) => bar !== null && bar.close > 0)!.close / 1000;
  const files = new Map<string, Buffer>();
  for (const field of FIELDS) {
    const values = new Float32Array(bars.length + 1);
    values[0] = firstCal;
    bars.forEach((bar, i) => {
      values[i + 1] = bar === null ? NaN : valueOf(field, bar, bar.factor / firstClose);
    });
    const bytes = Buffer.alloc(values.length * 4);
    values.forEach((value, i) => bytes.writeFloatLE(value, i * 4));
    files.set(field, bytes);
  }
  return files;
}

function valueOf(field: (typeof FIELDS)[number], bar: Bar, factor: number): number {
  switch (field) {
    case 'open':
    case 'high':
    case 'low':
    case 'close':
      return (bar[field] / 1000) * factor;
    case 'volume':
      return bar.volume / factor;
    case 'amount':
      return bar.amount;
    case 'factor':
      return factor;
  }
}
