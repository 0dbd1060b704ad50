import { createReadStream } from 'node:fs';
import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
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
const SNIFF_BYTES = 64 * 1024;

/**
 * Finds the bundle root (descending through single-child directories, as archives often wrap everything in one
 * top-level folder) and classifies the csv-daily layout. Throws BUNDLE_INVALID when no data files are found.
 */
export async function locateBundle(dir: string): Promise<BundleLayout> {
  const { root, entries } = await findBundleRoot(dir);
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
    if (await hasSymbolColumn(firstPath, /\.gz$/i.test(firstPath))) {
      return {
        ...base,
        kind: 'long',
        files: rootCsvs.map((entry) => ({
          path: join(root, entry.name),
          symbol: null,
          gzip: /\.gz$/i.test(entry.name),
        })),
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

/** The bundle root inside `dir` (single-child directories descended, as archives often wrap everything in one). */
export async function findBundleRoot(dir: string): Promise<{ root: string; entries: Dirent[] }> {
  let root = dir;
  let entries = await listEntries(root);
  for (;;) {
    const only = entries.length === 1 ? entries[0] : undefined;
    if (!only?.isDirectory() || only.name.toLowerCase() === 'daily') break;
    root = join(root, only.name);
    entries = await listEntries(root);
  }
  return { root, entries };
}

async function listEntries(dir: string): Promise<Dirent[]> {
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

/** Sniffs the header line (within the first 64 KB, gunzipped for `.csv.gz`): a symbol alias means long form. */
async function hasSymbolColumn(path: string, gzip: boolean): Promise<boolean> {
  const head = await readHead(path, gzip, SNIFF_BYTES);
  const newline = head.indexOf(10);
  // Decode the header line only: a 64 KB cut could split a multi-byte character and fake invalid UTF-8.
  const headerLine = decodeText(head.subarray(0, newline < 0 ? head.length : newline)).text;
  return resolveHeaderColumns(headerLine.replace(/\r$/, '').split(',')).indexes.symbol >= 0;
}

/** Up to `limit` leading bytes of a file, decompressed when gzip; stops reading as soon as it has them. */
export async function readHead(path: string, gzip: boolean, limit: number): Promise<Buffer> {
  const raw = createReadStream(path, { highWaterMark: gzip ? 16 * 1024 : limit });
  const source = gzip ? pipeline(raw, createGunzip(), () => undefined) : raw;
  const chunks: Buffer[] = [];
  let length = 0;
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      length += chunk.length;
      if (length >= limit || chunk.includes(10)) break;
    }
    return Buffer.concat(chunks).subarray(0, limit);
  } catch (error) {
    throw new AppError(ErrorCode.BundleInvalid, 'A bundle data file cannot be read.', { cause: error });
  } finally {
    source.destroy();
  }
}
