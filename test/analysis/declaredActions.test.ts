import { afterEach, describe, expect, it } from 'vitest';
import { analyzeBundleToSummary } from '../../src/analysis/analyzeBundle';
import { createTempDirs, createTestContext } from './analysisTestKit';
import { writeTree } from './bundleTrees';

const temp = createTempDirs();
afterEach(() => temp.cleanup());

const analyze = (dir: string) => analyzeBundleToSummary(dir, createTestContext(), { workers: 0 });

// Apple around its 7-for-1 split of 2014-06-09 and the dividend of 2014-05-08 (3.29 per share), as Quandl's WIKI
// table lists them: split_ratio 7 means seven new shares for one, so the reference price is the old close / 7.
const QUANDL_HEADER =
  'ticker,date,open,high,low,close,volume,ex-dividend,split_ratio,adj_open,adj_high,adj_low,adj_close,adj_volume';
const quandlRows = (ticker: string, declare: boolean): string[] => [
  `${ticker},2014-05-07,595.25,597.29,587.73,592.33,10097000,0.0,1.0,81.8,82.1,80.8,81.4,70679000`,
  `${ticker},2014-05-08,588.25,594.41,586.40,587.99,8253000,${declare ? '3.29' : '0.0'},1.0,81.3,82.1,81.0,81.2,57771000`,
  `${ticker},2014-06-05,637.44,647.89,636.11,647.35,10749000,0.0,1.0,89.4,90.9,89.2,90.8,75243000`,
  `${ticker},2014-06-06,649.90,651.26,644.47,645.57,12497800,0.0,1.0,91.2,91.3,90.4,90.5,87484600`,
  `${ticker},2014-06-09,92.70,93.88,91.75,93.70,75415000,0.0,${declare ? '7.0' : '1.0'},91.0,92.1,90.0,91.9,75415000`,
  `${ticker},2014-06-10,94.73,95.05,93.57,94.25,62777000,0.0,1.0,92.9,93.2,91.8,92.5,62777000`,
];

describe('declared corporate actions', () => {
  it('Quandl WIKI long form: a declared 7:1 split and dividend are no breach; the same jump undeclared is', async () => {
    const dir = temp.make();
    await writeTree(dir, {
      'WIKI_PRICES.csv': [QUANDL_HEADER, ...quandlRows('AAPL', true), ...quandlRows('AAPX', false)].join('\n') + '\n',
    });
    const summary = await analyze(dir);
    expect(summary.symbols['AAPL']).toMatchObject({
      rule_set: 'generic',
      declared_actions: 2,
      limit_breaches: 0,
      split_candidates: 0,
    });
    // -85.5% with no declaration: a breach of the generic rule, and within 3% of the common ratio 7.
    expect(summary.symbols['AAPX']).toMatchObject({
      rule_set: 'generic',
      declared_actions: 0,
      limit_breaches: 1,
      split_candidates: 1,
    });
    expect(summary.bundle).toMatchObject({ declared_actions: 2, generic_rule_symbols: 2, cn_a_rule_symbols: 0 });
  });

  it("Quandl's download of one dataset (Date, Ex-Dividend, Split Ratio; newest first): the declared split is no breach", async () => {
    const dir = temp.make();
    // The columns and order Quandl's `datasets/WIKI/AAPL.csv` gives: capitalised names with spaces, the newest row first.
    const header =
      'Date,Open,High,Low,Close,Volume,Ex-Dividend,Split Ratio,Adj. Open,Adj. High,Adj. Low,Adj. Close,Adj. Volume';
    const rows = quandlRows('AAPL', true)
      .map((row) => row.slice('AAPL,'.length))
      .reverse();
    await writeTree(dir, { 'AAPL.csv': [header, ...rows].join('\n') + '\n' });
    const summary = await analyze(dir);
    expect(summary.symbols['AAPL']).toMatchObject({
      declared_actions: 2,
      limit_breaches: 0,
      split_candidates: 0,
      unsorted: 1,
    });
  });

  it("Alpha Vantage's adjusted daily series (timestamp, split_coefficient, dividend_amount; raw prices, newest first)", async () => {
    const dir = temp.make();
    // Apple's 4-for-1 of 2020-08-31: open/high/low/close are the prices as traded, adjusted_close its own column.
    const header = 'timestamp,open,high,low,close,adjusted_close,volume,dividend_amount,split_coefficient';
    const rows = (declare: boolean) => [
      '2020-09-01,132.76,134.80,130.53,134.18,131.50,151948100,0.0000,1.0',
      `2020-08-31,127.58,131.00,126.00,129.04,126.46,225702700,0.0000,${declare ? '4.0' : '1.0'}`,
      '2020-08-28,504.05,505.77,498.31,499.23,122.31,46907479,0.0000,1.0',
      `2020-08-07,452.82,454.70,441.17,444.45,108.89,49511403,${declare ? '0.8200' : '0.0000'},1.0`,
      '2020-08-06,441.62,457.65,439.19,455.61,111.42,62897584,0.0000,1.0',
    ];
    await writeTree(dir, {
      'AAPL.csv': [header, ...rows(true)].join('\n') + '\n',
      'AAPX.csv': [header, ...rows(false)].join('\n') + '\n',
    });
    const summary = await analyze(dir);
    expect(summary.symbols['AAPL']).toMatchObject({ parse_error_rows: 0, declared_actions: 2, limit_breaches: 0 });
    // -74% undeclared: a breach of the generic rule (the day closed 3.4% above a quarter of the day before, too far
    // from the ratio 4 to call it a split candidate).
    expect(summary.symbols['AAPX']).toMatchObject({ declared_actions: 0, limit_breaches: 1, split_candidates: 0 });
  });

  it("Tiingo's daily prices (divCash, splitFactor; raw prices beside adjClose, ISO timestamps)", async () => {
    const dir = temp.make();
    const header = 'date,close,high,low,open,volume,adjClose,adjHigh,adjLow,adjOpen,adjVolume,divCash,splitFactor';
    await writeTree(dir, {
      'AAPL.csv': [
        header,
        '2020-08-28T00:00:00.000Z,499.23,505.77,498.31,504.05,46907479,122.3,123.9,122.1,123.5,187629916,0.0,1.0',
        '2020-08-31T00:00:00.000Z,129.04,131.0,126.0,127.58,225702700,126.5,128.4,123.5,125.0,225702700,0.0,4.0',
        '2020-09-01T00:00:00.000Z,134.18,134.8,130.53,132.76,151948100,131.5,132.1,127.9,130.1,151948100,0.0,1.0',
      ].join('\n'),
    });
    const summary = await analyze(dir);
    expect(summary.symbols['AAPL']).toMatchObject({ parse_error_rows: 0, declared_actions: 1, limit_breaches: 0 });
  });

  it("yfinance: Yahoo's prices already carry the split its Stock Splits column declares, so it is counted, not applied", async () => {
    // Apple's 4-for-1 of 2020-08-31 as yfinance's history() writes it: split-adjusted prices, midnight New York dates.
    const rows = (splitHeader: string) =>
      `Date,Open,High,Low,Close,Volume,Dividends,${splitHeader}\n` +
      '2020-08-27 00:00:00-04:00,127.14,127.49,123.83,125.01,155552400,0.0,0.0\n' +
      '2020-08-28 00:00:00-04:00,126.01,126.44,124.58,124.81,187630000,0.0,0.0\n' +
      '2020-08-31 00:00:00-04:00,127.58,131.00,126.00,129.04,225702700,0.0,4.0\n' +
      '2020-09-01 00:00:00-04:00,132.76,134.80,130.53,134.18,151948100,0.0,0.0\n';
    const yahoo = temp.make();
    await writeTree(yahoo, { 'daily/AAPL.csv': rows('Stock Splits') });
    expect((await analyze(yahoo)).symbols['AAPL']).toMatchObject({
      rows_written: 4,
      parse_error_rows: 0,
      declared_actions: 1,
      limit_breaches: 0,
    });
    // The same prices under zipline's `split`, which comes with raw prices: the reference is 124.81 / 4, a breach.
    const raw = temp.make();
    await writeTree(raw, { 'daily/AAPL.csv': rows('split') });
    expect((await analyze(raw)).symbols['AAPL']).toMatchObject({ declared_actions: 1, limit_breaches: 1 });
  });

  it("JoinQuant's and qlib's `factor` comes with adjusted prices: read back to raw, a 10-for-10 bonus is no breach", async () => {
    // Forward-adjusted prices around a 10-for-10 bonus issue (the factor goes 0.5 → 1): raw closes 20.00, 10.20, 10.25.
    const rows = (factorHeader: string, withPreClose: boolean) =>
      `,open,close,high,low,volume,money,${factorHeader}${withPreClose ? ',pre_close' : ''}\n` +
      `2024-03-04,9.90,10.00,10.05,9.85,200000.0,2000000.0,0.5${withPreClose ? ',9.95' : ''}\n` +
      `2024-03-05,10.10,10.20,10.30,10.00,400000.0,4080000.0,1.0${withPreClose ? ',10.00' : ''}\n` +
      `2024-03-06,10.20,10.25,10.40,10.15,380000.0,3895000.0,1.0${withPreClose ? ',10.20' : ''}\n`;
    for (const withPreClose of [true, false]) {
      const dir = temp.make();
      await writeTree(dir, { 'daily/600000.XSHG.csv': rows('factor', withPreClose) });
      expect((await analyze(dir)).symbols['600000.SH'], `pre_close ${withPreClose}`).toMatchObject({
        rows_written: 3,
        parse_error_rows: 0,
        vwap_out_of_range_rows: 0,
        adj_factor_changes: 1,
        limit_breaches: 0,
      });
    }
    // The same numbers under tushare's `adj_factor`, which comes with raw prices: 10.00 → 10.20 against a reference of
    // 10.00 × 0.5 / 1 is +104 %, a breach.
    const raw = temp.make();
    await writeTree(raw, { 'daily/600000.XSHG.csv': rows('adj_factor', false) });
    expect((await analyze(raw)).symbols['600000.SH']).toMatchObject({ adj_factor_changes: 1, limit_breaches: 1 });
  });

  it('zipline csvdir: dividend and split columns (0 and 1 mean none) on an A-share under its ±10% limit', async () => {
    const dir = temp.make();
    const header = 'date,open,high,low,close,volume,dividend,split';
    // 10.00 → 8.75 is -12.5%; declared as a 1.30 dividend the reference is 8.70 and 8.75 is +0.6%. Then a 2:1 split.
    const rows = (dividend: string, split: string) =>
      [
        '2024-03-04,10.00,10.10,9.90,10.00,1000,0,1',
        `2024-03-05,8.72,8.80,8.70,8.75,1000,${dividend},1`,
        '2024-03-06,8.75,8.85,8.70,8.80,1000,0,1',
        `2024-03-07,4.40,4.45,4.38,4.42,2000,0,${split}`,
        '2024-03-08,4.42,4.48,4.40,4.45,2000,0,1',
      ].join('\n');
    await writeTree(dir, {
      'daily/600000.SH.csv': `${header}\n${rows('1.30', '2')}\n`,
      'daily/600001.SH.csv': `${header}\n${rows('0', '1')}\n`,
    });
    const summary = await analyze(dir);
    expect(summary.symbols['600000.SH']).toMatchObject({ declared_actions: 2, limit_breaches: 0, rule_set: 'cn-a' });
    // Undeclared: the dividend day is a down-breach (ratio 1.14, near no common split ratio), the split day a breach
    // within 3% of 2, so a split candidate.
    expect(summary.symbols['600001.SH']).toMatchObject({ declared_actions: 0, limit_breaches: 2, split_candidates: 1 });
  });

  it("tushare's dividend fields: cash_div_tax and stk_div (bonus shares per share, so 10-for-10 is a ratio of 2)", async () => {
    const dir = temp.make();
    await writeTree(dir, {
      'daily/000001.SZ.csv':
        'trade_date,open,high,low,close,vol,cash_div_tax,stk_div\n' +
        '20240304,20.00,20.20,19.80,20.00,100,,\n' +
        // (20.00 - 0.50) / (1 + 1) = 9.75, and 9.80 is +0.5% from it.
        '20240305,9.80,9.90,9.70,9.80,200,0.5,1.0\n' +
        '20240306,9.85,9.95,9.75,9.90,200,,\n',
    });
    const summary = await analyze(dir);
    expect(summary.symbols['000001.SZ']).toMatchObject({ declared_actions: 2, limit_breaches: 0, parse_error_rows: 0 });
  });

  it('a change of adj_factor on the same row is the adjustment: the declared split is counted, not applied twice', async () => {
    const dir = temp.make();
    await writeTree(dir, {
      'daily/600000.SH.csv':
        'date,open,high,low,close,volume,adj_factor,split\n' +
        '2024-03-04,10.00,10.10,9.90,10.00,1000,1,1\n' +
        '2024-03-05,5.00,5.10,4.95,5.05,2000,2,2\n',
    });
    const summary = await analyze(dir);
    expect(summary.symbols['600000.SH']).toMatchObject({
      declared_actions: 1,
      adj_factor_changes: 1,
      limit_breaches: 0,
    });
  });
});
