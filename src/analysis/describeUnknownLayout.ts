import { joinTreePath, type BundleTree, type TreeEntry } from './bundleTree';
import { looksLikeQlibTree } from './qlib/locateQlibLayout';

// Bundle layouts of other tools that are recognised by name but not read (their formats need readers we do not ship).
const KNOWN_UNSUPPORTED: readonly { test: (names: ReadonlySet<string>) => boolean; what: string }[] = [
  {
    test: (names) => names.has('stocks.h5') || names.has('trading_dates.npy') || names.has('indexes.h5'),
    what: 'an rqalpha bundle (HDF5: stocks.h5, trading_dates.npy), which is not supported',
  },
  {
    test: (names) =>
      [...names].some((name) => name.endsWith('.bcolz') || /^assets-\d+\.(sqlite|db)$/.test(name)) ||
      names.has('adjustments.sqlite'),
    what: 'an ingested zipline bundle (bcolz directories and assets/adjustments SQLite), which is not supported; point the analysis at the csvdir folder it was ingested from',
  },
  {
    test: (names) => names.has('database.db'),
    what: 'a vn.py SQLite database (database.db), which is not supported',
  },
  {
    test: (names) => [...names].some((name) => name.endsWith('.parquet')),
    what: 'Parquet files, which are not supported',
  },
  {
    test: (names) => [...names].some((name) => name.endsWith('.h5') || name.endsWith('.hdf5')),
    what: 'HDF5 files, which are not supported',
  },
];

/** A short description of what a bundle root holds, for the message that says it is not a bundle we can read. */
export async function describeUnknownLayout(
  tree: BundleTree,
  root: string,
  entries: readonly TreeEntry[],
): Promise<string> {
  const names = new Set(entries.map((entry) => entry.name.toLowerCase()));
  const known = KNOWN_UNSUPPORTED.find((candidate) => candidate.test(names));
  if (known) return known.what;
  if (looksLikeQlibTree(entries)) {
    const calendar = (await tree.list(joinTreePath(root, 'calendars'))).some((entry) => entry.name === 'day.txt');
    return calendar
      ? 'a qlib tree whose features/ holds no <symbol>/<field>.day.bin files'
      : 'a qlib tree without calendars/day.txt (only daily data is supported)';
  }
  if (names.has('features') || names.has('calendars')) {
    return `a partial qlib tree (${names.has('features') ? 'features/ without calendars/' : 'calendars/ without features/'})`;
  }
  if (names.has('daily')) return 'a daily/ directory without .csv files';
  if (names.has('minute')) return 'only minute/ data (daily bars are expected)';
  if (entries.length === 0) return 'an empty directory';
  const shown = entries.slice(0, 8).map((entry) => entry.name + (entry.isDirectory ? '/' : ''));
  return `${shown.join(', ')}${entries.length > 8 ? `, … (${entries.length} entries)` : ''}`;
}
