import { describe, expect, it } from 'vitest';
import { describeBundleShrink } from '../../src/analysis/describeBundleShrink';

const limits = { maxSymbolLossPercent: 10, maxRowLossPercent: 10 };
const installed = { symbols: 2000, rows: 5_000_000, lastDate: '2024-06-28' };

describe('describeBundleShrink', () => {
  it('lets a bundle through that loses no more than the limits allow and ends no earlier', () => {
    expect(describeBundleShrink(installed, { symbols: 1800, rows: 4_500_000, lastDate: '2024-06-28' }, limits)).toEqual(
      [],
    );
    expect(describeBundleShrink(installed, { symbols: 2100, rows: 5_100_000, lastDate: '2024-07-01' }, limits)).toEqual(
      [],
    );
  });

  it('gives the share and both counts for every limit a bundle exceeds, and an earlier end date', () => {
    expect(describeBundleShrink(installed, { symbols: 1400, rows: 3_475_000, lastDate: '2024-05-31' }, limits)).toEqual(
      [
        'it would remove 30 % of symbols (2,000 → 1,400; MARKET_DATA_INSTALL_MAX_SYMBOL_LOSS allows 10 %)',
        'it would remove 30.5 % of rows (5,000,000 → 3,475,000; MARKET_DATA_INSTALL_MAX_ROW_LOSS allows 10 %)',
        "its data ends on 2024-05-31, before the installed bundle's 2024-06-28",
      ],
    );
  });

  it('treats a limit of 100 as off and 0 as "no loss at all"', () => {
    const next = { symbols: 1, rows: 1, lastDate: '2024-06-28' };
    expect(describeBundleShrink(installed, next, { maxSymbolLossPercent: 100, maxRowLossPercent: 100 })).toEqual([]);
    const strict = describeBundleShrink(
      installed,
      { ...installed, rows: 4_999_999 },
      { ...limits, maxRowLossPercent: 0 },
    );
    expect(strict).toEqual([
      'it would remove < 0.1 % of rows (5,000,000 → 4,999,999; MARKET_DATA_INSTALL_MAX_ROW_LOSS allows 0 %)',
    ]);
  });
});
