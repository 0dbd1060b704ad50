import { describe, expect, it } from 'vitest';
import { DAY_LIMIT, formatDayNumber, toDayNumber } from '../../src/analysis/dayNumbers';
import { fillLimitPercents } from '../../src/analysis/fillLimitPercents';
import { limitPercentOn, limitPriceFen, symbolLimitSteps } from '../../src/analysis/limitRules';
import { parseDateField } from '../../src/analysis/parseDateField';
import { INVALID_NUMBER, parseNumberField } from '../../src/analysis/parseNumberField';
import { createRowTable } from '../../src/analysis/rowTable';
import { createFieldRanges, scanCsvLine } from '../../src/analysis/scanCsvLine';
import { boardForSymbol, canonicalizeSymbol } from '../../src/analysis/symbolCodes';

const num = (text: string) => parseNumberField(Buffer.from(text), 0, Buffer.byteLength(text));
const date = (text: string) => {
  const day = parseDateField(Buffer.from(text), 0, Buffer.byteLength(text));
  return day < 0 ? null : formatDayNumber(day);
};

describe('field parsers', () => {
  it('parses decimals exactly as Number() does', () => {
    for (const text of [
      '0',
      '10.23',
      '-3.5',
      '+7',
      '0.1',
      '123456789.123',
      '1e3',
      '2.5E-2',
      '.5',
      '5.',
      '0.30000000000000004',
    ]) {
      expect(num(text), text).toBe(Number(text));
    }
  });

  it('treats empty, NaN, null and None as missing and other text as invalid', () => {
    for (const text of ['', 'NaN', 'null', 'None']) expect(num(text), text).toBeNaN();
    for (const text of ['abc', '1,5', '0x10', 'Infinity', '-', '1.2.3']) expect(num(text), text).toBe(INVALID_NUMBER);
  });

  it('reads thousands grouped by commas, as a spreadsheet saves formatted numbers, and nothing like them', () => {
    expect(num('1,000,000')).toBe(1_000_000);
    expect(num('-12,345.25')).toBe(-12345.25);
    expect(num('7,050,000.')).toBe(7_050_000);
    for (const text of ['1,00', '1,0000', ',100', '1,,000', '1234,567', '1,000,00', '1,000e3']) {
      expect(num(text), text).toBe(INVALID_NUMBER);
    }
  });

  it('parses the accepted date spellings and rejects impossible dates', () => {
    expect(date('2024-02-29')).toBe('2024-02-29');
    expect(date('20240229')).toBe('2024-02-29');
    expect(date('2024/02/29')).toBe('2024-02-29');
    expect(date('2024-02-29 00:00:00')).toBe('2024-02-29');
    // Midnight in a stated time zone (yfinance writes its daily bars so) and ISO 8601's T: the date as written.
    expect(date('2020-08-31 00:00:00-04:00')).toBe('2020-08-31');
    expect(date('2024-02-29 00:00:00+08:00')).toBe('2024-02-29');
    expect(date('2024-02-29T00:00:00')).toBe('2024-02-29');
    expect(date('2024-02-29T00:00:00Z')).toBe('2024-02-29');
    expect(date('20240229 00:00:00+08:00')).toBe('2024-02-29');
    // A spreadsheet's save drops the zero padding.
    expect(date('2024/3/4')).toBe('2024-03-04');
    expect(date('2024-1-5')).toBe('2024-01-05');
    expect(date('2024/12/5')).toBe('2024-12-05');
    expect(date('2024-03-4')).toBe('2024-03-04');
    // A spreadsheet's Chinese date format, saved as shown; a JavaScript timestamp's zero milliseconds.
    expect(date('2024年3月4日')).toBe('2024-03-04');
    expect(date('2024年12月25日')).toBe('2024-12-25');
    expect(date('2024年03月04日')).toBe('2024-03-04');
    // The same in a GB18030 file, whose rows are read in their own encoding: 年 C4EA, 月 D4C2, 日 C8D5.
    const gb = Buffer.from('32303234' + 'c4ea' + '33' + 'd4c2' + '34' + 'c8d5', 'hex');
    expect(new TextDecoder('gb18030').decode(gb)).toBe('2024年3月4日');
    expect(formatDayNumber(parseDateField(gb, 0, gb.length))).toBe('2024-03-04');
    expect(date('2024-02-29T00:00:00.000Z')).toBe('2024-02-29');
    expect(date('2024-02-29T00:00:00.000')).toBe('2024-02-29');
    expect(date('2024-02-29T00:00:00.000+08:00')).toBe('2024-02-29');
    for (const bad of [
      '2024年2月30日',
      '2024年3月4',
      '2024年月4日',
      '2024年123月4日',
      '2024年3月444日',
      '2024年3-4日',
      '2024-02-29T00:00:00.001Z',
      '2023-02-29',
      '2024-13-01',
      '2024-1-32',
      '2024/1-5',
      '2024//15',
      '2024-123-1',
      '202401-5',
      '2024-02-29 15:00:00',
      '2020-08-31 09:30:00-04:00',
      '2020-08-31 00:00:00*04:00',
      '2020-08-31 00:00:00-4:000',
      '2020-08-31 00:00:00X',
      '29/02/2024',
      '',
    ]) {
      expect(date(bad), bad).toBeNull();
    }
    expect(toDayNumber(1970, 1, 1)).toBe(0);
  });

  it('splits quoted fields and strips a trailing CR', () => {
    const bytes = Buffer.from('a,"b, ""c""",d\r\nnext');
    const fields = createFieldRanges();
    const next = scanCsvLine(bytes, 0, bytes.length, fields);
    const texts = Array.from({ length: fields.count }, (_, i) =>
      bytes.toString('utf8', fields.starts[i], fields.ends[i]),
    );
    expect(texts).toEqual(['a', 'b, ""c""', 'd']);
    expect(bytes.toString('utf8', next)).toBe('next');
  });
});

describe('A-share rules', () => {
  it('rounds limit prices half up in fen, as the exchange does', () => {
    expect(limitPriceFen(1005, 10, 1)).toBe(1106); // 10.05 × 1.1 = 11.055 → 11.06
    expect(limitPriceFen(105, 10, 1)).toBe(116); // 1.05 → 1.16, a +10.48% limit
    expect(limitPriceFen(1005, 10, -1)).toBe(905); // 9.045 → 9.05
    expect(limitPriceFen(100.5 * 100, 10, 1)).toBe(11055);
  });

  it('applies limits by board and date from the rule table', () => {
    const day = (iso: string) =>
      toDayNumber(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)), Number(iso.slice(8, 10)));
    expect(limitPercentOn('chinext', false, day('2020-08-21'))).toBe(10);
    expect(limitPercentOn('chinext', false, day('2020-08-24'))).toBe(20);
    expect(limitPercentOn('sh_main', true, day('2024-01-02'))).toBe(5);
    expect(limitPercentOn('star', false, day('2019-07-19'))).toBeNull();
    expect(limitPercentOn('bj', false, day('2024-01-02'))).toBe(30);
  });

  it('fills the per-day limit percents the loops read with what the rule table gives for each day', () => {
    const percents = new Float64Array(DAY_LIMIT);
    const table = createRowTable();
    const [from, to] = [toDayNumber(2008, 1, 2), toDayNumber(2024, 6, 28)];
    for (const board of ['sh_main', 'sz_main', 'chinext', 'star', 'bj', 'other'] as const) {
      for (const isSt of [false, true]) {
        // Windows across every rule change, and windows inside one rule's span.
        for (const [first, last] of [
          [from, to],
          [toDayNumber(2020, 8, 20), toDayNumber(2020, 8, 28)],
          [toDayNumber(2023, 4, 10), toDayNumber(2023, 4, 10)],
        ] as const) {
          percents.fill(-1);
          fillLimitPercents(percents, first, last, symbolLimitSteps(board, isSt), table);
          for (let d = first; d <= last; d++) {
            expect(percents[d], `${board} ${isSt} ${formatDayNumber(d)}`).toBe(limitPercentOn(board, isSt, d) ?? NaN);
          }
          expect([percents[first - 1], percents[last + 1]]).toEqual([-1, -1]);
        }
      }
    }
  });

  it('canonicalises vendor symbol spellings and finds the board by code prefix', () => {
    expect(canonicalizeSymbol('SH600000')).toBe('600000.SH');
    expect(canonicalizeSymbol('sh.600000')).toBe('600000.SH');
    expect(canonicalizeSymbol('000001.XSHE')).toBe('000001.SZ');
    expect(canonicalizeSymbol('300750')).toBe('300750.SZ');
    expect(canonicalizeSymbol("'000001")).toBe('000001.SZ'); // NetEase's CSV, an apostrophe before the code
    // Yahoo Finance (yfinance) names Shanghai `.SS`; Shenzhen is `.SZ` there too.
    expect(canonicalizeSymbol('600519.SS')).toBe('600519.SH');
    expect(canonicalizeSymbol('688981.ss')).toBe('688981.SH');
    expect(canonicalizeSymbol('300750.SZ')).toBe('300750.SZ');
    // vn.py's vt_symbol and myquant's exchange-first spelling; BSE is also Bombay's, so it stays as written.
    expect(canonicalizeSymbol('600000.SSE')).toBe('600000.SH');
    expect(canonicalizeSymbol('000001.SZSE')).toBe('000001.SZ');
    expect(canonicalizeSymbol('SHSE.600000')).toBe('600000.SH');
    expect(canonicalizeSymbol('szse.300750')).toBe('300750.SZ');
    expect(canonicalizeSymbol('500325.BSE')).toBe('500325.BSE');
    expect(canonicalizeSymbol("'AAPL")).toBe("'AAPL");
    expect(canonicalizeSymbol('830799')).toBe('830799.BJ');
    expect(canonicalizeSymbol('AAPL')).toBe('AAPL');
    expect(boardForSymbol('688981.SH')).toBe('star');
    expect(boardForSymbol('301001.SZ')).toBe('chinext');
    expect(boardForSymbol('920001.BJ')).toBe('bj');
    expect(boardForSymbol('AAPL')).toBe('other');
  });

  it('gives a code prefix its board only on its own exchange: indexes, funds and B shares are other', () => {
    expect(boardForSymbol('000001.SZ')).toBe('sz_main');
    expect(boardForSymbol('600000.SH')).toBe('sh_main');
    // The Shanghai Composite and the CSI 300 as qlib names them (SH000001, SH000300), and Shenzhen's component index.
    expect(boardForSymbol(canonicalizeSymbol('SH000001'))).toBe('other');
    expect(boardForSymbol(canonicalizeSymbol('SH000300'))).toBe('other');
    expect(boardForSymbol('399001.SZ')).toBe('other');
    expect(boardForSymbol('510300.SH')).toBe('other');
    expect(boardForSymbol('159915.SZ')).toBe('other');
    expect(boardForSymbol('900901.SH')).toBe('other');
    expect(boardForSymbol('200002.SZ')).toBe('other');
    expect(boardForSymbol('300750.SH')).toBe('other');
    expect(boardForSymbol('688981.SZ')).toBe('other');
    expect(boardForSymbol('430047.BJ')).toBe('bj');
  });
});
