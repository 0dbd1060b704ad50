/**
 * The generator's own bookkeeping of market-day flags from the per-day tallies it recorded while writing rows. It
 * restates the documented definitions (src/analysis/classifyDays.ts) independently rather than calling the analyzer.
 */
export function countMarketDayFlags(
  tallies: { valid: Int32Array; adjacent: Int32Array; identical: Int32Array },
  first: number,
  last: number,
): { empty: number; thin: number; frozen: number } {
  const result = { empty: 0, thin: 0, frozen: 0 };
  for (let day = first; day <= last; day++) {
    const count = tallies.valid[day]!;
    if (count === 0) {
      result.empty++;
      continue;
    }
    const neighbours: number[] = [];
    for (let other = Math.max(first, day - 10); other <= Math.min(last, day + 10); other++) {
      if (other !== day) neighbours.push(tallies.valid[other]!);
    }
    neighbours.sort((a, b) => a - b);
    const n = neighbours.length;
    const median = n === 0 ? 0 : n % 2 ? neighbours[(n - 1) / 2]! : (neighbours[n / 2 - 1]! + neighbours[n / 2]!) / 2;
    if (median >= 5 && count < 0.8 * median) result.thin++;
    const both = tallies.adjacent[day]!;
    if (both >= 5 && tallies.identical[day]! >= 0.9 * both) result.frozen++;
  }
  return result;
}
