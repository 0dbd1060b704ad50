import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../src/db/migrate';
import { migrations } from '../../src/db/migrations';
import { createTempDir } from './tempDatabase';

const COUNTS = [
  'rows_written',
  'parse_error_rows',
  'duplicate_rows',
  'conflicting_duplicates',
  'out_of_calendar_rows',
  'non_positive_price_rows',
  'ohlc_violations',
  'vwap_out_of_range_rows',
  'zero_volume_rows',
  'suspended_fill_rows',
  'missing_days',
  'gap_count',
  'longest_gap',
  'unsorted',
  'repeated_rows',
  'stale_runs',
  'limit_breaches',
  'limit_up_hits',
  'limit_down_hits',
  'split_candidates',
  'adj_factor_changes',
];

describe('migration 5: the analysis metric contract', () => {
  it('keeps runs analysed before it, derives their rule sets and leaves their declared actions unknown (NULL)', () => {
    const temp = createTempDir();
    const db = new Database(join(temp.dir, 'v4.sqlite3'));
    try {
      migrate(db, migrations.slice(0, 4));
      db.prepare(
        `INSERT INTO analysis_runs (run_id, bundle_path, analyzer_version, params_json, started_at, status)
         VALUES (1, '/b', 'csv-daily-1.0.0', '{}', '2026-01-01T00:00:00Z', 'warn')`,
      ).run();
      const values = COUNTS.map((_, i) => i + 1);
      const symbol = db.prepare(
        `INSERT INTO analysis_symbol_metrics (run_id, symbol, board, is_st, status, max_stale_run, ${COUNTS.join(', ')})
         VALUES (1, ?, ?, 0, 'warn', 2, ${COUNTS.map(() => '?').join(', ')})`,
      );
      symbol.run('600000.SH', 'sh_main', ...values);
      symbol.run('AAPL', 'other', ...values);
      db.prepare(
        `INSERT INTO analysis_bundle_totals (run_id, symbol_count, calendar_days, ${COUNTS.join(', ')},
           delisted_symbols, late_listed_symbols, empty_calendar_days, thin_days, frozen_days, symbols_ok,
           symbols_warn, symbols_error)
         VALUES (1, 2, 10, ${COUNTS.map(() => '?').join(', ')}, 0, 0, 0, 0, 0, 0, 2, 0)`,
      ).run(...values);

      expect(migrate(db, migrations.slice(0, 5))).toEqual({ from: 4, to: 5 });
      const rows = db.prepare('SELECT * FROM analysis_symbol_metrics ORDER BY symbol').all() as Record<
        string,
        unknown
      >[];
      expect(rows.map((row) => [row.symbol, row.rule_set, row.declared_actions])).toEqual([
        ['600000.SH', 'cn-a', null],
        ['AAPL', 'generic', null],
      ]);
      for (const [i, name] of COUNTS.entries()) expect(rows[0]![name], name).toBe(i + 1);
      const totals = db.prepare('SELECT * FROM analysis_bundle_totals').get() as Record<string, unknown>;
      expect(totals).toMatchObject({ cn_a_rule_symbols: 1, generic_rule_symbols: 1, declared_actions: null });
      expect(totals.limit_breaches).toBe(COUNTS.indexOf('limit_breaches') + 1);
      // Counts may now be NULL (not applicable), and rule sets are checked.
      db.prepare(`UPDATE analysis_symbol_metrics SET duplicate_rows = NULL WHERE symbol = 'AAPL'`).run();
      expect(() =>
        db.prepare(`UPDATE analysis_symbol_metrics SET rule_set = 'us' WHERE symbol = 'AAPL'`).run(),
      ).toThrow(/CHECK constraint/);
    } finally {
      db.close();
      temp.cleanup();
    }
  });
});
