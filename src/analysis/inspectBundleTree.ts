import { join } from 'node:path';
import { AppError, ErrorCode, isAppError } from '../errors';
import type { StageLog } from '../stages/progress';
import type { BundleStats } from './bundleStats';
import { checkCsvSample } from './checkCsvSample';
import type { LineTally } from './createLineTally';
import { createDirectoryTree, joinTreePath, type BundleTree, type TreeEntry } from './bundleTree';
import { inspectQlibTree } from './inspectQlibTree';
import { findBundleRoot, locateBundle, type CsvLayout } from './locateBundle';
import { measureLongFormFiles } from './measureLongFormFiles';
import { measurePerSymbolFiles } from './measurePerSymbolFiles';
import { looksLikeQlibTree } from './qlib/locateQlibLayout';
import { readByteRefSync } from './byteRef';
import { readCalendarFile } from './readSideFiles';

export interface InspectBundleOptions {
  readonly signal: AbortSignal;
  readonly log: StageLog;
  /** What the extraction already counted (files it lacks are read). */
  readonly tally?: LineTally;
}

const EXPECTED_LAYOUTS =
  'expected daily/<SYMBOL>.csv[.gz] files (csv-daily, zipline csvdir), CSV files with a symbol column (long form), ' +
  'or a qlib binary tree (calendars/day.txt and features/<symbol>/<field>.day.bin)';

/**
 * Decides whether an extracted tree is a bundle with data, with the analysis's own layout detection plus a qlib
 * binary tree, and a quick read of a sample of its files; then measures it (symbols, rows, last date) for the shrink
 * check. Throws BUNDLE_INVALID with what was found and what was expected.
 */
export async function inspectBundleTree(dir: string, options: InspectBundleOptions): Promise<BundleStats> {
  const tree = createDirectoryTree(dir);
  const { root, entries } = await findBundleRoot(tree);
  if (looksLikeQlibTree(entries)) return inspectQlibTree(join(dir, root), options.signal, options.log);
  let layout: CsvLayout;
  try {
    const located = await locateBundle(tree);
    if (located.format !== 'csv-daily') throw new Error('a qlib tree is inspected above');
    layout = located;
  } catch (error) {
    if (!isAppError(error, ErrorCode.BundleInvalid)) throw error;
    throw new AppError(
      ErrorCode.BundleInvalid,
      `The archive holds no market data: found ${await describeListing(tree, root, entries)}; ${EXPECTED_LAYOUTS}.`,
      { cause: error },
    );
  }
  const columns = await checkCsvSample(layout, options.log);
  // A calendar.csv without trading days fails every analysis: refuse it here rather than after the swap.
  if (layout.calendar !== null) readCalendarFile(readByteRefSync(layout.calendar), () => undefined);
  const stats =
    layout.kind === 'long'
      ? await measureLongFormFiles(layout.files, options.signal)
      : await measurePerSymbolFiles(layout.files, columns, options.signal, options.tally);
  if (stats.rows === 0) {
    throw new AppError(
      ErrorCode.BundleInvalid,
      `The bundle's ${layout.files.length} data file(s) hold a header but no rows; expected at least one data row.`,
    );
  }
  return stats;
}

/** `README.md, scripts/ (3 entries), daily/ (empty)`: the top level as a person would look at it. */
async function describeListing(tree: BundleTree, root: string, entries: readonly TreeEntry[]): Promise<string> {
  if (entries.length === 0) return 'nothing (the archive is empty)';
  const shown = await Promise.all(
    entries.slice(0, 8).map(async (entry) => {
      if (!entry.isDirectory) return entry.name;
      const inside = (await tree.list(joinTreePath(root, entry.name))).length;
      return `${entry.name}/ (${inside === 0 ? 'empty' : `${inside} entr${inside === 1 ? 'y' : 'ies'}`})`;
    }),
  );
  const more = entries.length > shown.length ? ` and ${entries.length - shown.length} more` : '';
  return `${shown.join(', ')}${more}`;
}
