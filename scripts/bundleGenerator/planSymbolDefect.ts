import { limitPercentOn } from '../../src/analysis/limitRules';
import type { Board } from '../../src/analysis/symbolCodes';
import type { Prng } from './createPrng';
import type { DefectFamily } from './defectFamilies';

/** Rows a family uses after its anchor t (t … t + extent), and whether those rows need a limit rule in force. */
const EXTENT: Partial<Record<DefectFamily, { extent: number; needsLimit: boolean }>> = {
  missing_row: { extent: 0, needsLimit: false },
  missing_block: { extent: 2, needsLimit: false },
  exact_duplicate: { extent: 0, needsLimit: false },
  conflicting_duplicate: { extent: 0, needsLimit: false },
  ohlc_violation: { extent: 0, needsLimit: false },
  non_positive_price: { extent: 0, needsLimit: false },
  suspension_fill: { extent: 2, needsLimit: false },
  zero_volume_trade: { extent: 0, needsLimit: false },
  stale_run: { extent: 4, needsLimit: false },
  spike: { extent: 1, needsLimit: true },
  unadjusted_split: { extent: 0, needsLimit: true },
  adjusted_split: { extent: 0, needsLimit: false },
  declared_split: { extent: 0, needsLimit: true },
  declared_dividend: { extent: 0, needsLimit: true },
  off_calendar_row: { extent: 1, needsLimit: false },
  parse_errors: { extent: 4, needsLimit: false },
  unit_error: { extent: 0, needsLimit: false },
  limit_hits: { extent: 5, needsLimit: true },
};

/** Distance kept from the listing edges (beyond any IPO no-limit window) and from market-wide defect days. */
const EDGE_MARGIN = 8;
const DAY_MARGIN = 3;

export interface AnchorInput {
  readonly rng: Prng;
  readonly family: DefectFamily;
  readonly board: Board;
  readonly isSt: boolean;
  readonly calendar: Int32Array;
  readonly first: number;
  readonly last: number;
  /** Calendar indexes of market-wide defect days (empty / frozen) to stay clear of. */
  readonly avoid: readonly number[];
}

/**
 * Picks the anchor calendar index for a per-row family: inside the listing span with margins, clear of market-wide
 * defect days, and (for limit families) on days with a limit rule. Returns -1 when the symbol has no room for it.
 */
export function pickDefectAnchor(input: AnchorInput): number {
  const shape = EXTENT[input.family];
  if (!shape) return -1;
  const candidates: number[] = [];
  for (let t = input.first + EDGE_MARGIN; t + shape.extent + EDGE_MARGIN <= input.last; t++) {
    const clear = input.avoid.every((day) => day < t - 1 - DAY_MARGIN || day > t + shape.extent + 1 + DAY_MARGIN);
    if (!clear) continue;
    if (shape.needsLimit && !limitsInForce(input, t, shape.extent)) continue;
    candidates.push(t);
  }
  if (candidates.length === 0) return -1;
  return candidates[input.rng.int(0, candidates.length - 1)]!;
}

function limitsInForce(input: AnchorInput, t: number, extent: number): boolean {
  for (let cal = t; cal <= t + extent; cal++) {
    if (limitPercentOn(input.board, input.isSt, input.calendar[cal]!) === null) return false;
  }
  return true;
}
