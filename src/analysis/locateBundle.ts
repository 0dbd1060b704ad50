import { readdir, open } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError, ErrorCode } from '../errors';
import { decodeText } from './decodeText';
import { resolveHeaderColumns } from './headerColumns';
import { canonicalizeSymbol } from './symbolCodes';

/** A bundle on disk after descent into its root: which files hold the data and which side files exist. */
export interface BundleLayout {
  readonly root: string;
  /** `per-symbol`: daily/<SYMBOL>.csv[.gz] (or root CSVs without a symbol column); `long`: files with a symbol column. */
  readonly kind: 'per-symbol' | 'long';
  /** Per-symbol files sorted by symbol, or the long-form files. */
  readonly files: readonly DataFile[];
  readonly calendarPath: string | null;
  readonly instrumentsPath: string | null;
  readonly manifestPath: string | null;
}

export interface DataFile {
  readonly path: string;
  /** Symbol from the file name (per-symbol layout); null for long-form files. */
  readonly symbol: string | null;
  readonly gzip: boolean;
}

const IGNORED = new Set(['__MACOSX', '.DS_Store', 'Thumbs.db']);
const SIDE_FILES = new Set(['calendar.csv', 'instruments.csv', 'adj_factor.csv']);
const DATA_FILE = /\.csv(\.gz)?$/i;

/**
 * Finds the bundle root (descending through single-child directories, as archives often wrap everything in one
 * top-level folder) and classifies the csv-daily layout. Throws BUNDLE_INVALID when no data files are found.
 */
export async function locateBundle(dir: string): Promise<BundleLayout> {
  let root = dir;
  let entries = await listEntries(root);
  for (;;) {
    const only = entries.length === 1 ? entries[0] : undefined;
    if (!only?.isDirectory() || only.name.toLowerCase() === 'daily') break;
    root = join(root, only.name);
    entries = await listEntries(root);
  }
  const names = new Map(entries.map((entry) => [entry.name.toLowerCase(), entry]));
  const sidePath = (name: string): string | null => {
    const entry = names.get(name);
    return entry?.isFile() ? join(root, entry.name) : null;
  };
  const base = {
    root,
    calendarPath: sidePath('calendar.csv'),
    instrumentsPath: sidePath('instruments.csv'),
    manifestPath: sidePath('manifest.json'),
  };

  const daily = names.get('daily');
  if (daily?.isDirectory()) {
    const files = (await listEntries(join(root, daily.name)))
      .filter((entry) => entry.isFile() && DATA_FILE.test(entry.name))
      .map((entry) => perSymbolFile(join(root, daily.name, entry.name), entry.name));
    if (files.length > 0) return { ...base, kind: 'per-symbol', files: sortBySymbol(files) };
  }

  const rootCsvs = entries.filter(
    (entry) => entry.isFile() && DATA_FILE.test(entry.name) && !SIDE_FILES.has(entry.name.toLowerCase()),
  );
  if (rootCsvs.length > 0) {
    const firstPath = join(root, rootCsvs[0]!.name);
    if (!/\.gz$/i.test(firstPath) && (await hasSymbolColumn(firstPath))) {
      return {
        ...base,
        kind: 'long',
        files: rootCsvs.map((entry) => ({ path: join(root, entry.name), symbol: null, gzip: false })),
      };
    }
    return {
      ...base,
      kind: 'per-symbol',
      files: sortBySymbol(rootCsvs.map((e) => perSymbolFile(join(root, e.name), e.name))),
    };
  }

  const listing = entries.map((entry) => entry.name + (entry.isDirectory() ? '/' : '')).slice(0, 20);
  throw new AppError(
    ErrorCode.BundleInvalid,
    'The bundle holds no csv-daily data files (expected daily/<SYMBOL>.csv).',
    {
      details: { topLevel: listing },
    },
  );
}

async function listEntries(dir: string) {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries.filter((entry) => !IGNORED.has(entry.name)).sort((a, b) => (a.name < b.name ? -1 : 1));
  } catch (error) {
    throw new AppError(ErrorCode.BundleInvalid, 'The bundle directory cannot be read.', { cause: error });
  }
}

function perSymbolFile(path: string, name: string): DataFile {
  const gzip = /\.gz$/i.test(name);
  return { path, symbol: canonicalizeSymbol(name.replace(DATA_FILE, '')), gzip };
}

function sortBySymbol(files: DataFile[]): DataFile[] {
  return files.sort((a, b) => ((a.symbol ?? '') < (b.symbol ?? '') ? -1 : 1));
}

/** Sniffs the first 64 KB: a header with a symbol alias means long form. */
async function hasSymbolColumn(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(64 * 1024);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const newline = buffer.subarray(0, bytesRead).indexOf(10);
    // Decode the header line only: a 64 KB cut could split a multi-byte character and fake invalid UTF-8.
    const headerLine = decodeText(buffer.subarray(0, newline < 0 ? bytesRead : newline)).text;
    return resolveHeaderColumns(headerLine.replace(/\r$/, '').split(',')).indexes.symbol >= 0;
  } finally {
    await handle.close();
  }
}
