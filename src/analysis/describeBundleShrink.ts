import { formatCount } from './bundleStats';

/** The installed bundle's size, as recorded with its install or counted on disk. */
export interface InstalledSize {
  readonly symbols: number;
  readonly rows: number;
  readonly lastDate: string | null;
}

export interface ShrinkLimits {
  /** Largest share of symbols a new bundle may lose, in percent (0–100). */
  readonly maxSymbolLossPercent: number;
  /** Largest share of rows a new bundle may lose, in percent (0–100). */
  readonly maxRowLossPercent: number;
}

/**
 * What makes `next` a drastic shrink of `installed`: more symbols or rows lost than the limits allow, or data that
 * ends earlier. Each reason carries the numbers; an empty list means the new bundle may replace the old one.
 */
export function describeBundleShrink(installed: InstalledSize, next: InstalledSize, limits: ShrinkLimits): string[] {
  const reasons: string[] = [];
  const loss = (what: string, before: number, after: number, limit: number, setting: string): void => {
    const percent = before > 0 ? ((before - after) / before) * 100 : 0;
    if (percent > limit) {
      reasons.push(
        `it would remove ${formatPercent(percent)} of ${what} (${formatCount(before)} → ${formatCount(after)}; ` +
          `${setting} allows ${formatPercent(limit)})`,
      );
    }
  };
  loss('symbols', installed.symbols, next.symbols, limits.maxSymbolLossPercent, 'MARKET_DATA_INSTALL_MAX_SYMBOL_LOSS');
  loss('rows', installed.rows, next.rows, limits.maxRowLossPercent, 'MARKET_DATA_INSTALL_MAX_ROW_LOSS');
  if (installed.lastDate !== null && (next.lastDate === null || next.lastDate < installed.lastDate)) {
    reasons.push(
      `its data ends ${next.lastDate === null ? 'without a readable date' : `on ${next.lastDate}`}, before the ` +
        `installed bundle's ${installed.lastDate}`,
    );
  }
  return reasons;
}

function formatPercent(value: number): string {
  if (value > 0 && value < 0.1) return '< 0.1 %';
  return `${Number.isInteger(Math.round(value * 10) / 10) ? Math.round(value) : value.toFixed(1)} %`;
}
