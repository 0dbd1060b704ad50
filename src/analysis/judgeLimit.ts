import { GENERIC_BREACH_RATIO, limitPriceFen } from './limitRules';

// Plain constants, so limitKind's rarely taken branches load nothing (see its comment).
const KIND_NONE = 0;
const KIND_UP_BREACH = 1;
const KIND_DOWN_BREACH = 2;
const KIND_UP_HIT = 3;
const KIND_DOWN_HIT = 4;

/** What one close means against its limit reference. */
export const LimitKind = {
  None: KIND_NONE,
  UpBreach: KIND_UP_BREACH,
  DownBreach: KIND_DOWN_BREACH,
  UpHit: KIND_UP_HIT,
  DownHit: KIND_DOWN_HIT,
} as const;
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
 * What a close is against its reference, as a number only: the per-day loops call this, and every branch of it
 * returns a constant (nothing is allocated or looked up on a rare branch, which would make V8 throw away the loop's
 * optimised code the first time it runs). Board rules (`percent` finite): a hit is a close within 0.05 fen of the
 * exchange's limit price, a breach more than half a fen beyond it. Generic rule: a breach is a return beyond ±50%,
 * and there are no hits. NaN `percent` with the board rules means no limit that day.
 */
export function limitKind(close: number, ref: number, percent: number, generic: boolean): LimitKind {
  if (!(ref > 0)) return KIND_NONE;
  if (generic) {
    const ret = close / ref - 1;
    return ret > GENERIC_BREACH_RATIO ? KIND_UP_BREACH : ret < -GENERIC_BREACH_RATIO ? KIND_DOWN_BREACH : KIND_NONE;
  }
  if (percent !== percent) return KIND_NONE;
  const refFen = ref * 100;
  const closeFen = close * 100;
  const upFen = limitPriceFen(refFen, percent, 1);
  const downFen = limitPriceFen(refFen, percent, -1);
  if (closeFen > upFen + 0.5) return KIND_UP_BREACH;
  if (closeFen < downFen - 0.5) return KIND_DOWN_BREACH;
  if (Math.abs(closeFen - upFen) < 0.05) return KIND_UP_HIT;
  if (Math.abs(closeFen - downFen) < 0.05) return KIND_DOWN_HIT;
  return KIND_NONE;
}

/** The whole judgement of a close (limitKind's kind, with a breach's bound and split candidacy). */
export function judgeLimit(close: number, ref: number, percent: number, generic: boolean): LimitOutcome {
  const kind = limitKind(close, ref, percent, generic);
  switch (kind) {
    case LimitKind.None:
      return NONE;
    case LimitKind.UpHit:
      return UP_HIT;
    case LimitKind.DownHit:
      return DOWN_HIT;
    case LimitKind.UpBreach:
    case LimitKind.DownBreach: {
      const bound = generic
        ? close / ref - 1
        : limitPriceFen(ref * 100, percent, kind === LimitKind.UpBreach ? 1 : -1) / 100;
      const nearSplit = kind === LimitKind.DownBreach && nearSplitRatio(ref / close);
      return { kind, nearSplit, bound, generic };
    }
  }
}

const UP_HIT: LimitOutcome = { kind: LimitKind.UpHit, nearSplit: false, bound: 0, generic: false };
const DOWN_HIT: LimitOutcome = { kind: LimitKind.DownHit, nearSplit: false, bound: 0, generic: false };

function nearSplitRatio(ratio: number): boolean {
  for (const candidate of SPLIT_RATIOS) if (Math.abs(ratio / candidate - 1) <= 0.03) return true;
  return false;
}
