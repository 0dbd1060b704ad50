import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { analyzeBundleToSummary } from '../../src/analysis/analyzeBundle';
import { isAppError } from '../../src/errors';
import { createTempDirs, createTestContext } from './analysisTestKit';

const temp = createTempDirs();
afterEach(() => temp.cleanup());

function layout(files: Record<string, string>): string {
  const root = temp.make();
  for (const [name, data] of Object.entries(files)) {
    if (name.endsWith('/')) mkdirSync(join(root, name), { recursive: true });
    else {
      mkdirSync(dirname(join(root, name)), { recursive: true });
      writeFileSync(join(root, name), data);
    }
  }
  return root;
}

async function failure(dir: string): Promise<string> {
  try {
    await analyzeBundleToSummary(dir, createTestContext(), { workers: 0 });
  } catch (error) {
    expect(isAppError(error, 'BUNDLE_INVALID')).toBe(true);
    return (error as Error).message;
  }
  throw new Error('expected the analysis to fail');
}

const EXPECTED = /expected csv-daily \(daily\/<SYMBOL>\.csv.*\) or qlib binary \(calendars\/day\.txt and features\//;

describe('bundles that are not a layout we read', () => {
  const cases: [string, Record<string, string>, RegExp][] = [
    [
      'an rqalpha bundle',
      { 'bundle/stocks.h5': 'x', 'bundle/trading_dates.npy': 'x', 'bundle/instruments.pk': 'x' },
      /found an rqalpha bundle \(HDF5: stocks\.h5, trading_dates\.npy\), which is not supported/,
    ],
    [
      'an ingested zipline bundle',
      { 'daily_equities.bcolz/meta': 'x', 'assets-7.sqlite': 'x', 'adjustments.sqlite': 'x' },
      /found an ingested zipline bundle \(bcolz .*\), which is not supported/,
    ],
    ['a vn.py database', { 'database.db': 'x' }, /found a vn\.py SQLite database/],
    [
      'a qlib tree without a daily calendar',
      { 'calendars/1min.txt': 'x', 'features/sh600000/close.1min.bin': 'x' },
      /found a qlib tree without calendars\/day\.txt/,
    ],
    [
      'a qlib tree without feature files',
      { 'calendars/day.txt': '2024-03-04\n', 'features/': '' },
      /features\/ holds no/,
    ],
    ['features without a calendar', { 'features/sh600000/close.day.bin': 'x', 'README.md': 'x' }, /partial qlib tree/],
    [
      'a release holding only code',
      { 'README.md': '# hi', 'scripts/dump.py': 'print()' },
      /found README\.md, scripts\//,
    ],
    ['an empty daily/ folder', { 'daily/': '', 'calendar.csv': 'date\n' }, /daily\/ directory without \.csv files/],
  ];
  for (const [what, files, found] of cases) {
    it(`names what it found in ${what} and what it expected`, async () => {
      const message = await failure(layout(files));
      expect(message).toMatch(found);
      expect(message).toMatch(EXPECTED);
    });
  }
});
