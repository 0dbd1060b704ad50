/** Per-calendar-day tallies contributed by every symbol; merged across workers by summing. */
export interface DayCounts {
  /** Symbols with a valid row (passed row checks 1–4). */
  valid: Int32Array;
  /** Symbols whose previous valid row is on the previous calendar day. */
  adjacent: Int32Array;
  /** Of those, symbols whose (o,h,l,c,v) equals that previous row with volume > 0. */
  identical: Int32Array;
  zeroVolume: Int32Array;
  limitUp: Int32Array;
  limitDown: Int32Array;
}

const DAY_COUNT_KEYS = ['valid', 'adjacent', 'identical', 'zeroVolume', 'limitUp', 'limitDown'] as const;

export function createDayCounts(days: number): DayCounts {
  return {
    valid: new Int32Array(days),
    adjacent: new Int32Array(days),
    identical: new Int32Array(days),
    zeroVolume: new Int32Array(days),
    limitUp: new Int32Array(days),
    limitDown: new Int32Array(days),
  };
}

export function addDayCounts(into: DayCounts, from: DayCounts): void {
  for (const key of DAY_COUNT_KEYS) {
    const target = into[key];
    const source = from[key];
    for (let i = 0; i < target.length; i++) target[i]! += source[i]!;
  }
}
