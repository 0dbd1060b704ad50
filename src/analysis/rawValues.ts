import { roundHalfUp } from './roundHalfUp';

/**
 * Adjusted prices and volumes back to raw ones, as the exchange traded them (the limits apply to those), rounded to
 * 0.001: that absorbs qlib's float32 error and a CSV export's rounding of its adjusted prices. Shared by the qlib
 * reader and the CSV reader (a `factor` column), so both round alike.
 */

/** The multiplier rawPriceOf takes for `factor` (adjusted ÷ raw): one division per factor, not one per price. */
export function rawScale(factor: number): number {
  return 1000 / factor;
}

export function rawPriceOf(adjusted: number, scale: number): number {
  return roundHalfUp(adjusted * scale) / 1000;
}

export function rawVolumeOf(adjusted: number, factor: number): number {
  return roundHalfUp(adjusted * factor * 1000) / 1000;
}
