import { GENERIC_BREACH_RATIO, limitPriceFen } from './limitRules';

/** What one close means against its limit reference. */
export const LimitKind = { None: 0, UpBreach: 1, DownBreach: 2, UpHit: 3, DownHit: 4 } as const;
export type LimitKind = (typeof LimitKind)[keyof typeof LimitKind];

export interface LimitOutcome {
  readonly kind: LimitKind;
  /** A down-breach whose ref/close is within 3% of a common split ratio. */
  readonly nearSplit: boolean;
  /** For a breach: the return (generic rule) or the limit price it passed (board rules). */
  readonly bound: number;
  readonly generic: boolean;
}

const NONE: LimitOutcome = { kind: LimitKind.None, nearSplit: false, bound: 0, generic: false };

// Ratios a split or bonus issue commonly uses (A-share bonus issues and US forward splits such as 7:1 or 20:1); a
// down-breach within 3% of one is a split candidate.
const SPLIT_RATIOS = [1.1, 1.2, 1.25, 1.3, 1.4, 1.5, 1.6, 1.8, 2, 2.5, 3, 4, 5, 6, 7, 8, 10, 15, 20];

/**
 * Judges a close against its reference. Board rules (`percent` finite): a hit is a close within 0.05 fen of the
 * exchange's limit price, a breach more than half a fen beyond it. Generic rule: a breach is a return beyond ±50%,
 * and there are no hits. NaN `percent` with the board rules means no limit that day.
 */
export function judgeLimit(close: number, ref: number, percent: number, generic: boolean): LimitOutcome {
  if (!(ref > 0)) return NONE;
  if (generic) {
    const ret = close / ref - 1;
    if (ret > GENERIC_BREACH_RATIO) return { kind: LimitKind.UpBreach, nearSplit: false, bound: ret, generic };
    if (ret < -GENERIC_BREACH_RATIO) {
      return { kind: LimitKind.DownBreach, nearSplit: nearSplitRatio(ref / close), bound: ret, generic };
    }
    return NONE;
  }
  if (percent !== percent) return NONE;
  const refFen = ref * 100;
  const closeFen = close * 100;
  const upFen = limitPriceFen(refFen, percent, 1);
  const downFen = limitPriceFen(refFen, percent, -1);
  if (closeFen > upFen + 0.5) return { kind: LimitKind.UpBreach, nearSplit: false, bound: upFen / 100, generic };
  if (closeFen < downFen - 0.5) {
    return { kind: LimitKind.DownBreach, nearSplit: nearSplitRatio(ref / close), bound: downFen / 100, generic };
  }
  if (Math.abs(closeFen - upFen) < 0.05) return UP_HIT;
  if (Math.abs(closeFen - downFen) < 0.05) return DOWN_HIT;
  return NONE;
}

const UP_HIT: LimitOutcome = { kind: LimitKind.UpHit, nearSplit: false, bound: 0, generic: false };
const DOWN_HIT: LimitOutcome = { kind: LimitKind.DownHit, nearSplit: false, bound: 0, generic: false };

function nearSplitRatio(ratio: number): boolean {
  for (const candidate of SPLIT_RATIOS) if (Math.abs(ratio / candidate - 1) <= 0.03) return true;
  return false;
}
