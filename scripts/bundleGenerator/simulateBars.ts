import { limitPercentOn, limitPriceFen } from '../../src/analysis/limitRules';
import type { Board } from '../../src/analysis/symbolCodes';
import type { Prng } from './createPrng';

/** One daily bar; prices in li (0.001 CNY) so a 2:1 split of a fen price stays an exact integer. */
export interface Bar {
  cal: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  amount: number;
  factor: number;
}

export interface PricePlan {
  /** Calendar indexes whose close must equal the previous close (rows that will be removed, flattened or copied). */
  readonly zeroReturn: ReadonlySet<number>;
  /** Calendar indexes whose close must sit exactly on the up or down limit. */
  readonly forced: ReadonlyMap<number, 'up' | 'down'>;
}

const MIN_PRICE_FEN = 300;

/**
 * A mean-reverting log-price walk in integer fen (σ = 2%/day), daily returns clipped to ±(limit − 2%) so clean data
 * never breaches or touches a limit, and no clean close equals the previous one (stale runs cannot appear by chance).
 */
export function simulateBars(
  rng: Prng,
  board: Board,
  isSt: boolean,
  calendar: Int32Array,
  first: number,
  last: number,
  plan: PricePlan,
): Bar[] {
  const bars: Bar[] = [];
  let prev = rng.int(500, 5000);
  const mu = Math.log(prev);
  let x = mu;
  for (let cal = first; cal <= last; cal++) {
    const percent = limitPercentOn(board, isSt, calendar[cal]!) ?? 10;
    const up = limitPriceFen(prev, percent, 1);
    const down = limitPriceFen(prev, percent, -1);
    const forced = plan.forced.get(cal);
    let close: number;
    if (plan.zeroReturn.has(cal)) close = prev;
    else if (forced === 'up') close = up;
    else if (forced === 'down') close = down;
    else {
      const bound = (percent - 2) / 100;
      const r = Math.max(-bound, Math.min(bound, Math.exp(0.02 * (mu - x) + 0.02 * rng.normal()) - 1));
      close = Math.round(prev * (1 + r));
      if (close === prev) close += r >= 0 ? 1 : -1;
      if (close < MIN_PRICE_FEN) close = prev + 1;
    }
    x = Math.log(close);
    const open = Math.max(down + 1, Math.min(up - 1, Math.round(prev * (1 + 0.005 * rng.normal()))));
    let high = Math.max(open, close) + 1 + Math.floor(Math.abs(rng.normal()) * 0.01 * close);
    let low = Math.min(open, close) - 1 - Math.floor(Math.abs(rng.normal()) * 0.01 * close);
    high = forced === 'up' ? close : Math.min(high, up);
    low = forced === 'down' ? close : Math.max(low, down, 1);
    const lots = Math.max(1, Math.round(Math.exp(Math.log(5000) + 0.8 * rng.normal())));
    const vwap = rng.int(low, high);
    bars.push({
      cal,
      open: open * 10,
      high: high * 10,
      low: low * 10,
      close: close * 10,
      volume: lots * 100,
      amount: lots * vwap,
      factor: 1,
    });
    prev = close;
  }
  return bars;
}
