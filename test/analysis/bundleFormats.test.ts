import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { analyzeBundle, analyzeBundleToSummary } from '../../src/analysis/analyzeBundle';
import { createAnalysisStore } from '../../src/analysis/createAnalysisStore';
import { getCurrentAnalysis } from '../../src/analysis/getCurrentAnalysis';
import { openDatabase } from '../../src/db/openDatabase';
import { isAppError } from '../../src/errors';
import { createTempDirs, createTestContext } from './analysisTestKit';
import { writeTree } from './bundleTrees';

const temp = createTempDirs();
afterEach(() => temp.cleanup());

const CALENDAR = 'date\n2024-03-04\n2024-03-05\n2024-03-06\n2024-03-07\n2024-03-08\n';
const analyze = (dir: string) => analyzeBundleToSummary(dir, createTestContext(), { workers: 0 });

describe('csv-daily layouts and dialects', () => {
  it('matches Chinese headers by name, not position (akshare orders open, close, high, low)', async () => {
    const dir = temp.make();
    await writeTree(dir, {
      'calendar.csv': CALENDAR,
      'daily/600000.SH.csv':
        '日期,股票代码,开盘,收盘,最高,最低,成交量,成交额\n' +
        '2024-03-04,600000,10.00,10.50,10.80,9.90,10,10300\n' +
        '2024-03-05,600000,10.50,10.60,10.40,10.30,10,10450\n',
    });
    const summary = await analyze(dir);
    // Read by position the first row would break high >= close; by name only the second row (high 10.40 < close 10.60) does.
    expect(summary.symbols['600000.SH']).toMatchObject({ rows_written: 2, ohlc_violations: 1, parse_error_rows: 0 });
  });

  it('reads a CSV saved from a spreadsheet: quoted numbers with thousands separators, dates with slashes', async () => {
    const dir = temp.make();
    await writeTree(dir, {
      'calendar.csv': CALENDAR,
      'daily/600000.SH.csv':
        'date,open,high,low,close,volume,amount\n' +
        '2024/03/04,10.00,10.80,9.90,10.50,"1,000,000","10,300,000"\n' +
        '2024/03/05,"10.50","10.90","10.20","10.60","2,000,000","21,100,000.00"\n',
    });
    const summary = await analyze(dir);
    expect(summary.symbols['600000.SH']).toMatchObject({
      rows_written: 2,
      parse_error_rows: 0,
      vwap_out_of_range_rows: 0,
      last_date: '2024-03-05',
    });
  });

  it('takes volume and amount units from the vendor the header shows, unless manifest.json declares them', async () => {
    // One day's trading: 1,000 shares (10 lots) for 10,300 yuan, a VWAP of 10.30 inside [9.90, 10.80].
    const bar = '2024-03-04,10.00,10.80,9.90,10.50';
    const vendors = {
      // akshare's stock_zh_a_hist: 成交量 in lots (手), 成交额 in yuan.
      akshare: `日期,开盘,最高,最低,收盘,成交量,成交额\n${bar},10,10300\n`,
      // tushare's daily: vol in lots, amount in thousand yuan.
      tushare: `ts_code,trade_date,open,high,low,close,vol,amount\n600000.SH,${bar.replace(/-/g, '')},10,10.3\n`,
      // baostock, zipline, Quandl: shares and yuan.
      baostock: `date,open,high,low,close,volume,amount\n${bar},1000,10300\n`,
    };
    for (const [vendor, csv] of Object.entries(vendors)) {
      const dir = temp.make();
      await writeTree(dir, { 'calendar.csv': CALENDAR, 'daily/600000.SH.csv': csv });
      expect((await analyze(dir)).symbols['600000.SH'], vendor).toMatchObject({
        rows_written: 1,
        vwap_out_of_range_rows: 0,
      });
    }
    // A Chinese-headed export counted in shares says so in its manifest; without one it reads as lots, 100× off.
    const inShares = `日期,开盘,最高,最低,收盘,成交量,成交额\n${bar},1000,10300\n`;
    const declared = temp.make();
    await writeTree(declared, {
      'calendar.csv': CALENDAR,
      'manifest.json': JSON.stringify({ volume_unit: 'share', amount_unit: 'yuan' }),
      'daily/600000.SH.csv': inShares,
    });
    expect((await analyze(declared)).symbols['600000.SH']).toMatchObject({ vwap_out_of_range_rows: 0 });
    const undeclared = temp.make();
    await writeTree(undeclared, { 'calendar.csv': CALENDAR, 'daily/600000.SH.csv': inShares });
    expect((await analyze(undeclared)).symbols['600000.SH']).toMatchObject({ vwap_out_of_range_rows: 1 });
  });

  it("reads terminal exports' names and the units noted in them (成交量(股), 成交金额（万元）)", async () => {
    const dir = temp.make();
    await writeTree(dir, {
      'calendar.csv': CALENDAR,
      // Wind-style: units in ASCII parentheses; the shares noted overrule the lots a Chinese header otherwise implies.
      'daily/600000.SH.csv':
        '日期,代码,开盘价(元),最高价(元),最低价(元),收盘价(元),成交量(股),成交额(元)\n' +
        '2024-03-04,600000.SH,10.00,10.80,9.90,10.50,1000,10300\n',
      // Choice-style: full-width parentheses, lots and ten thousand yuan.
      'daily/600001.SH.csv':
        '交易日期,开盘价,最高价,最低价,收盘价,前收盘价,成交量（手）,成交金额（万元）\n' +
        '2024-03-04,10.00,10.80,9.90,10.50,10.00,10,1.03\n' +
        '2024-03-05,10.00,10.80,9.90,10.50,9.00,10,1.03\n',
    });
    const summary = await analyze(dir);
    for (const [symbol, rows] of [
      ['600000.SH', 1],
      ['600001.SH', 2],
    ] as const) {
      expect(summary.symbols[symbol], symbol).toMatchObject({
        rows_written: rows,
        parse_error_rows: 0,
        ohlc_violations: 0,
        vwap_out_of_range_rows: 0,
      });
    }
    // 前收盘价 is the limit reference: the second day's 10.50 is past 9.00's 10 % limit of 9.90 (against the previous
    // close, 10.50, it would be no move at all).
    expect(summary.symbols['600001.SH']).toMatchObject({ limit_breaches: 1 });
  });

  it("judges each row by its own ST flag when the file has one (baostock's isST), else by instruments.csv", async () => {
    const dir = temp.make();
    await writeTree(dir, {
      'calendar.csv': CALENDAR,
      // instruments.csv says ST; the rows say when it was.
      'instruments.csv': 'symbol,is_st\n600000.SH,1\n600001.SH,1\n',
      'daily/600000.SH.csv':
        'date,code,open,high,low,close,preclose,volume,amount,adjustflag,turn,tradestatus,pctChg,isST\n' +
        '2024-03-04,sh.600000,10.00,10.20,9.90,10.00,10.00,1000,10000,3,0.1,1,0.0,1\n' +
        // ST: +5 % is the limit-up, +6.7 % a breach.
        '2024-03-05,sh.600000,10.00,10.60,10.00,10.50,10.00,1000,10400,3,0.1,1,5.0,1\n' +
        '2024-03-06,sh.600000,10.50,11.20,10.50,11.20,10.50,1000,11000,3,0.1,1,6.67,1\n' +
        // No longer ST: +9.8 % is inside the 10 % limit.
        '2024-03-07,sh.600000,11.20,12.30,11.20,12.30,11.20,1000,12000,3,0.1,1,9.82,0\n',
      // The same moves without the column: instruments.csv's ST applies to every day.
      'daily/600001.SH.csv':
        'date,open,high,low,close,preclose,volume,amount\n' +
        '2024-03-04,10.00,10.20,9.90,10.00,10.00,1000,10000\n' +
        '2024-03-05,10.00,10.60,10.00,10.50,10.00,1000,10400\n' +
        '2024-03-06,10.50,11.20,10.50,11.20,10.50,1000,11000\n' +
        '2024-03-07,11.20,12.30,11.20,12.30,11.20,1000,12000\n',
    });
    const summary = await analyze(dir);
    expect(summary.symbols['600000.SH']).toMatchObject({ limit_up_hits: 1, limit_breaches: 1 });
    expect(summary.symbols['600001.SH']).toMatchObject({ limit_up_hits: 1, limit_breaches: 2 });
  });

  it('takes the units from the rows when most of them say another unit than the header and nothing declares one', async () => {
    const days = ['2024-03-04', '2024-03-05', '2024-03-06', '2024-03-07', '2024-03-08'];
    // Each day 1,000 shares (10 lots) for 10,300 yuan, a VWAP of 10.30 inside [9.90, 10.80]; `amounts` by day.
    const rows = (volume: number, amounts: readonly number[]) =>
      days.map((day, i) => `${day},10.00,10.80,9.90,10.50,${volume},${amounts[i]}\n`).join('');
    const yuan = days.map(() => 10300);
    const vwapRows = async (tree: Record<string, string>) => {
      const dir = temp.make();
      await writeTree(dir, { 'calendar.csv': CALENDAR, ...tree });
      return (await analyze(dir)).symbols['600000.SH']!.vwap_out_of_range_rows;
    };
    const chinese = '日期,开盘,最高,最低,收盘,成交量,成交额\n';
    const english = 'date,open,high,low,close,volume,amount\n';
    // A Chinese-headed export counted in shares, and an English-headed one counted in lots; the analysis says so.
    const ctx = createTestContext();
    const dir = temp.make();
    await writeTree(dir, {
      'calendar.csv': CALENDAR,
      'daily/600000.SH.csv': chinese + rows(1000, yuan),
      'daily/600001.SH.csv': chinese + rows(1000, yuan),
    });
    const summary = await analyzeBundleToSummary(dir, ctx, { workers: 0 });
    expect(summary.symbols['600000.SH']).toMatchObject({ vwap_out_of_range_rows: 0 });
    expect(ctx.logs.filter((line) => line.includes('most rows show'))).toEqual([
      expect.stringMatching(
        /^WARNING 600000\.SH \(and 1 more symbol\): most rows show volume in shares, amount in yuan/,
      ),
    ]);
    expect(await vwapRows({ 'daily/600000.SH.csv': english + rows(10, yuan) })).toBe(0);
    // What manifest.json declares is taken as it is, even against the rows.
    const lots = JSON.stringify({ volume_unit: 'lot', amount_unit: 'yuan' });
    expect(await vwapRows({ 'manifest.json': lots, 'daily/600000.SH.csv': chinese + rows(1000, yuan) })).toBe(5);
    // Rows that mostly agree with the header keep its units; the one 100× off is still out of range.
    const oneOff = [10300, 10300, 103, 10300, 10300];
    expect(await vwapRows({ 'daily/600000.SH.csv': chinese + rows(10, oneOff) })).toBe(1);
    // A power of ten no vendor writes is no unit: every row stays out of range.
    expect(
      await vwapRows({
        'daily/600000.SH.csv':
          english +
          rows(
            1000,
            days.map(() => 0.0103),
          ),
      }),
    ).toBe(5);
  });

  it("reads pandas' unnamed index column as the date (JoinQuant's get_price(...).to_csv()), a named date first", async () => {
    const dir = temp.make();
    await writeTree(dir, {
      'calendar.csv': CALENDAR,
      'daily/600000.XSHG.csv':
        ',open,close,high,low,volume,money\n' +
        '2024-03-04,7.03,7.07,7.11,7.00,35873400.0,253908211.0\n' +
        '2024-03-05,7.07,7.13,7.16,7.05,42562800.0,302974523.0\n',
      // An unnamed row number before a named date column: the named one is the date.
      'daily/600001.SH.csv':
        ',date,open,high,low,close,volume\n0,2024-03-04,10,11,9,10,100\n1,2024-03-05,10,11,9,10.2,100\n',
    });
    const summary = await analyze(dir);
    expect(summary.symbols['600000.SH']).toMatchObject({
      rows_written: 2,
      parse_error_rows: 0,
      vwap_out_of_range_rows: 0,
      first_date: '2024-03-04',
    });
    expect(summary.symbols['600001.SH']).toMatchObject({
      rows_written: 2,
      parse_error_rows: 0,
      last_date: '2024-03-05',
    });
  });

  it("reads yfinance download()'s three-line header (Price, Ticker, Date) with the dates in the first column", async () => {
    const dir = temp.make();
    await writeTree(dir, {
      'daily/AAPL.csv':
        'Price,Close,High,Low,Open,Volume\n' +
        'Ticker,AAPL,AAPL,AAPL,AAPL,AAPL\n' +
        'Date,,,,,\n' +
        '2024-01-02,185.64,188.44,183.89,187.15,82488700\n' +
        '2024-01-03,184.25,185.88,183.43,184.22,58414500\n',
      // The same header without its continuation lines: the next line is data, not skipped.
      'daily/MSFT.csv': 'Price,Close,High,Low,Open,Volume\n2024-01-02,370.87,375.90,366.77,373.86,25258600\n',
    });
    const summary = await analyze(dir);
    expect(summary.symbols['AAPL']).toMatchObject({ rows_written: 2, parse_error_rows: 0, first_date: '2024-01-02' });
    expect(summary.symbols['MSFT']).toMatchObject({ rows_written: 1, parse_error_rows: 0 });
  });

  it("reads yfinance's Shanghai .SS and vn.py's bar table (open_price, 600000.SSE) as A-share symbols", async () => {
    const dir = temp.make();
    await writeTree(dir, {
      'calendar.csv': CALENDAR,
      // A +12% day: a breach under the main board's 10% limit, none under the generic ±50% a foreign name would get.
      'daily/600519.SS.csv':
        'Date,Open,High,Low,Close,Volume\n2024-03-04,100,101,99,100,1000\n2024-03-05,111,112,110,112,1000\n',
      'daily/600000.SSE.csv':
        'datetime,interval,volume,turnover,open_interest,open_price,high_price,low_price,close_price\n' +
        '2024-03-04 00:00:00,d,1000,10000,0,10.0,10.2,9.9,10.1\n' +
        '2024-03-05 00:00:00,d,1000,10100,0,10.1,10.3,10.0,10.2\n',
    });
    const summary = await analyze(dir);
    expect(Object.keys(summary.symbols)).toEqual(['600000.SH', '600519.SH']);
    expect(summary.symbols['600519.SH']).toMatchObject({ rule_set: 'cn-a', limit_breaches: 1 });
    expect(summary.symbols['600000.SH']).toMatchObject({ rule_set: 'cn-a', rows_written: 2, parse_error_rows: 0 });
    expect(summary.symbols['600000.SH']).toMatchObject({ vwap_out_of_range_rows: 0, missing_days: 0 });
  });

  it('decodes a GB18030 header the same as its UTF-8 twin', async () => {
    const header = Buffer.from('c8d5c6da2cbfaac5cc2cd7eeb8df2cd7eeb5cd2ccad5c5cc2cb3c9bdbbc1bf2cb3c9bdbbb6ee0a', 'hex');
    expect(new TextDecoder('gb18030').decode(header)).toBe('日期,开盘,最高,最低,收盘,成交量,成交额\n');
    const body = '2024-03-04,10,11,9.5,10.5,1,1000\n2024-03-05,10.5,11,10,10.8,1,1060\n';
    const gbDir = temp.make();
    await writeTree(gbDir, {
      'calendar.csv': CALENDAR,
      'daily/000001.SZ.csv': Buffer.concat([header, Buffer.from(body)]),
    });
    const utfDir = temp.make();
    await writeTree(utfDir, {
      'calendar.csv': CALENDAR,
      'daily/000001.SZ.csv': `日期,开盘,最高,最低,收盘,成交量,成交额\n${body}`,
    });
    const gb = await analyze(gbDir);
    expect(gb).toEqual(await analyze(utfDir));
    expect(gb.symbols['000001.SZ']).toMatchObject({ rows_written: 2, parse_error_rows: 0, first_date: '2024-03-04' });
  });

  it('accepts a BOM, CRLF, YYYYMMDD, YYYY/MM/DD and midnight timestamps, and gzip files', async () => {
    const dir = temp.make();
    const csv =
      '\ufeffDate,Open,High,Low,Close,Volume\r\n' +
      '20240304,10,11,9,10.5,100\r\n' +
      '2024/03/05,10.5,11,10,10.8,100\r\n' +
      '2024-03-06 00:00:00,10.8,11,10,10.9,100\r\n' +
      '2024-03-07 09:30:00,10.9,11,10,10.7,100\r\n';
    await writeTree(dir, { 'calendar.csv': CALENDAR, 'daily/300750.SZ.csv.gz': gzipSync(Buffer.from(csv)) });
    const metrics = (await analyze(dir)).symbols['300750.SZ']!;
    // An intraday timestamp is not a daily bar: a parse error without a usable date.
    expect(metrics).toMatchObject({
      rows_written: 4,
      parse_error_rows: 1,
      first_date: '2024-03-04',
      last_date: '2024-03-06',
    });
    expect(metrics.missing_days).toBe(0);
  });

  it('reads a long-form file with a symbol column, tushare units and newest-first order', async () => {
    const dir = temp.make();
    await writeTree(dir, {
      'calendar.csv': CALENDAR,
      // vol in lots (手) and amount in thousand yuan: VWAP = 10.5 * 1000 / (10 * 100) = 10.5, inside [9.9, 10.8].
      'daily.csv':
        'ts_code,trade_date,open,high,low,close,vol,amount\n' +
        '600000.SH,20240305,10.5,10.8,10.2,10.6,10,10.6\n' +
        'SH600000,20240304,10,10.8,9.9,10.5,10,10.5\n' +
        '000002.SZ,20240304,5,5.2,4.9,5.1,10,5.1\n',
    });
    const summary = await analyze(dir);
    expect(Object.keys(summary.symbols)).toEqual(['000002.SZ', '600000.SH']);
    expect(summary.symbols['600000.SH']).toMatchObject({ rows_written: 2, unsorted: 1, vwap_out_of_range_rows: 0 });
    expect(summary.bundle).toMatchObject({ symbol_count: 2, unsorted: 1, rows_written: 3 });
  });

  it('descends through a single top-level folder and ignores macOS and Windows litter', async () => {
    const dir = temp.make();
    await writeTree(dir, {
      'export/bundle/calendar.csv': CALENDAR,
      'export/bundle/daily/688001.SH.csv': 'date,open,high,low,close,volume\n2024-03-04,10,11,9,10,100\n',
      'export/bundle/daily/.DS_Store': 'x',
      'export/.DS_Store': 'x',
      '__MACOSX/export/._bundle': 'x',
      'Thumbs.db': 'x',
    });
    expect((await analyze(dir)).bundle).toMatchObject({ symbol_count: 1, rows_written: 1 });
  });

  it('derives the calendar from the union of dates when calendar.csv is absent, never counting weekends', async () => {
    const dir = temp.make();
    await writeTree(dir, {
      'daily/600000.SH.csv':
        'date,open,high,low,close,volume\n2024-03-04,10,11,9,10,100\n2024-03-06,10,11,9,10.2,100\n',
      'daily/600001.SH.csv': 'date,open,high,low,close,volume\n2024-03-05,10,11,9,10,100\n2024-03-09,10,11,9,10,100\n',
    });
    const db = openDatabase(':memory:');
    try {
      const result = await analyzeBundle(
        { bundleDir: dir, store: createAnalysisStore(db), workers: 0 },
        createTestContext(),
      );
      expect(result.symbols['600000.SH']).toMatchObject({ missing_days: 1, gap_count: 1 });
      expect(result.symbols['600001.SH']).toMatchObject({ out_of_calendar_rows: 1 });
      expect(getCurrentAnalysis(db)?.calendarSource).toBe('derived');
    } finally {
      db.close();
    }
  });

  it('counts every row of a file without the required columns as a parse error', async () => {
    const dir = temp.make();
    await writeTree(dir, {
      'calendar.csv': CALENDAR,
      'daily/600000.SH.csv': 'date,open,close\n2024-03-04,10,10.5\n2024-03-05,10,10.5\n',
    });
    expect((await analyze(dir)).symbols['600000.SH']).toMatchObject({ rows_written: 2, parse_error_rows: 2 });
  });

  it('rejects a directory without data files with BUNDLE_INVALID', async () => {
    const dir = temp.make();
    await writeTree(dir, { 'readme.txt': 'hello', 'other/notes.txt': 'x' });
    await expect(analyze(dir)).rejects.toSatisfy((error) => isAppError(error, 'BUNDLE_INVALID'));
  });
});
