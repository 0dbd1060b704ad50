import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeNativeProblem } from '../../../scripts/package/installProductionModules';

const root = path.resolve(__dirname, '..', '..', '..');
const installed = readFileSync(path.join(root, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node'));
// What a better-sqlite3 12 binary compiled against Node 24.19+ headers imports (nm -D shows it undefined).
const cleanupHookImport = Buffer.from('_ZN4node29RemoveEnvironmentCleanupHookEPN2v87IsolateEPFvPvES3_\0');

describe('describeNativeProblem', () => {
  it('accepts the better-sqlite3 binary the tests run on', () => {
    expect(describeNativeProblem('better-sqlite3', installed)).toBeNull();
  });

  it('refuses a better-sqlite3 binary built against the Node 24.19+ ObjectWrap header, naming the way out', () => {
    const problem = describeNativeProblem('better-sqlite3', Buffer.concat([installed, cleanupHookImport]));
    expect(problem).toMatch(/nodejs\/node#65446/);
    expect(problem).toMatch(/Deploy on Node 22, or rebuild it against Node 24\.18\.1 headers/);
  });
});
