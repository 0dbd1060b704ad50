import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { analyzeBundleToSummary } from '../../src/analysis/analyzeBundle';
import { createTempDirs, createTestContext } from './analysisTestKit';

const temp = createTempDirs();
afterEach(() => temp.cleanup());

const CALENDAR = 'date\n2024-03-04\n2024-03-05\n2024-03-06\n2024-03-07\n2024-03-08\n';

async function analyzeFiles(files: Record<string, string | Buffer>) {
  const dir = temp.make();
  for (const [name, data] of Object.entries({ 'calendar.csv': CALENDAR, ...files })) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), data);
  }
  return analyzeBundleToSummary(dir, createTestContext(), { workers: 0 });
}

describe('real-world CSV robustness', () => {
  it('counts rows exactly with quoted fields holding commas, blank lines, trailing empty lines and missing values', async () => {
    const csv =
      'date,name,open,high,low,close,volume,amount\r\n' +
      '2024-03-04,"Bank, Ltd",10,11,9,10.5,100,1000\r\n' +
      '\r\n' +
      '2024-03-05,"Bank ""A""",10.5,11,10,10.8,100,1060\r\n' +
      '2024-03-06,x,NaN,11,10,10.8,100,1060\r\n' +
      '2024-03-07,x,10.8,11,10,null,100,1060\r\n' +
      '2024-03-08,x,10.8,11,10,10.9,100,None\r\n' +
      '\r\n\r\n';
    const summary = await analyzeFiles({ 'daily/600000.SH.csv': csv });
    expect(summary.symbols['600000.SH']).toMatchObject({
      rows_written: 5,
      parse_error_rows: 2,
      missing_days: 0,
      first_date: '2024-03-04',
      last_date: '2024-03-08',
    });
  });

  it('gives zero counts for a header-only file, an empty file and a file that is not CSV, without failing', async () => {
    const summary = await analyzeFiles({
      'daily/600000.SH.csv': 'date,open,high,low,close,volume\n',
      'daily/600001.SH.csv': '',
      'daily/600002.SH.csv': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]),
    });
    expect(summary.bundle.symbol_count).toBe(3);
    expect(summary.symbols['600000.SH']).toMatchObject({ rows_written: 0, first_date: null });
    expect(summary.symbols['600001.SH']).toMatchObject({ rows_written: 0, first_date: null });
    expect(summary.symbols['600002.SH']?.rows_written).toBe(summary.symbols['600002.SH']?.parse_error_rows);
  });

  it('reads required columns placed after more than 64 other columns', async () => {
    const extra = Array.from({ length: 70 }, (_, i) => `x${i}`);
    const header = [...extra, 'date', 'open', 'high', 'low', 'close', 'volume'].join(',');
    const row = (date: string, close: number) => [...extra.map(() => '1'), date, 10, 11, 9, close, 100].join(',');
    const csv = `${header}\n${row('2024-03-04', 10.5)}\n${row('2024-03-05', 10.6)}\n`;
    const summary = await analyzeFiles({ 'daily/600000.SH.csv': csv });
    expect(summary.symbols['600000.SH']).toMatchObject({
      rows_written: 2,
      parse_error_rows: 0,
      last_date: '2024-03-05',
    });
  });

  it('reads a date and a symbol column past the 64th column when deriving the calendar and grouping long form', async () => {
    const extra = Array.from({ length: 70 }, (_, i) => `x${i}`);
    const header = [...extra, 'symbol', 'date', 'open', 'high', 'low', 'close', 'volume'].join(',');
    const row = (symbol: string, date: string) =>
      [...extra.map(() => '1'), symbol, date, 10, 11, 9, 10.5, 100].join(',');
    const dir = temp.make();
    writeFileSync(
      join(dir, 'daily.csv'),
      `${header}\n${row('600000.SH', '2024-03-04')}\n${row('000001.SZ', '2024-03-04')}\n${row('600000.SH', '2024-03-05')}\n`,
    );
    const summary = await analyzeBundleToSummary(dir, createTestContext(), { workers: 0 });
    expect(Object.keys(summary.symbols)).toEqual(['000001.SZ', '600000.SH']);
    expect(summary.symbols['600000.SH']).toMatchObject({
      rows_written: 2,
      parse_error_rows: 0,
      last_date: '2024-03-05',
    });
  });

  it('counts a very long garbage line as one parse error', async () => {
    const csv = `date,open,high,low,close,volume\n${'9,'.repeat(200_000)}\n2024-03-04,10,11,9,10.5,100\n`;
    const summary = await analyzeFiles({ 'daily/600000.SH.csv': csv });
    expect(summary.symbols['600000.SH']).toMatchObject({ rows_written: 2, parse_error_rows: 1 });
  });
});
