import { AppError, ErrorCode } from '../errors';
import type { ByteRef } from './byteRef';
import { joinTreePath, type BundleTree, type TreeEntry } from './bundleTree';
import { decodeText } from './decodeText';
import { describeUnknownLayout } from './describeUnknownLayout';
import { resolveHeaderColumns } from './headerColumns';
import { openByteRefStream } from './openByteRefStream';
import { locateQlibLayout, type QlibLayout } from './qlib/locateQlibLayout';
import { canonicalizeSymbol } from './symbolCodes';

export type BundleLayout = CsvLayout | QlibLayout;

/** A csv-daily bundle: which files hold the data and which side files exist. */
export interface CsvLayout {
  readonly format: 'csv-daily';
  /** `per-symbol`: daily/<SYMBOL>.csv[.gz] (or root CSVs without a symbol column); `long`: files with a symbol column. */
  readonly kind: 'per-symbol' | 'long';
  /** Tree path of the bundle root (after descent through single-child directories). */
  readonly root: string;
  /** Per-symbol files sorted by symbol, or the long-form files. */
  readonly files: readonly DataFile[];
  readonly calendar: ByteRef | null;
  readonly instruments: ByteRef | null;
  readonly manifest: ByteRef | null;
}

export interface DataFile {
  /** Tree path. */
  readonly path: string;
  /** Symbol from the file name (per-symbol layout); null for long-form files. */
  readonly symbol: string | null;
  /** Null when the bytes are not at hand yet (a tar.gz read in order). */
  readonly ref: ByteRef | null;
}

const SIDE_FILES = new Set(['calendar.csv', 'instruments.csv', 'adj_factor.csv']);
const DATA_FILE = /\.csv(\.gz)?$/i;
const SNIFF_BYTES = 64 * 1024;

/** A name a bundle's data file may have: `.csv`, or `.csv.gz` for one gzipped on its own. */
export function isDataFileName(name: string): boolean {
  return DATA_FILE.test(name);
}

/**
 * Finds the bundle root (descending through single-child directories, as archives often wrap everything in one
 * top-level folder) and recognises its layout from the files, never from a setting: qlib binary (calendars/day.txt
 * and features/), csv-daily per symbol (daily/*.csv) or at the root (long form when the header has a symbol column).
 * Anything else is BUNDLE_INVALID with a message naming what was found and what was expected.
 */
export async function locateBundle(tree: BundleTree): Promise<BundleLayout> {
  const { root, entries } = await findBundleRoot(tree);
  const qlib = await locateQlibLayout(tree, root, entries);
  if (qlib) return qlib;

  const names = new Map(entries.map((entry) => [entry.name.toLowerCase(), entry]));
  const side = (name: string): ByteRef | null => {
    const entry = names.get(name);
    return entry && !entry.isDirectory ? tree.ref(joinTreePath(root, entry.name), false) : null;
  };
  const base = {
    format: 'csv-daily' as const,
    root,
    calendar: side('calendar.csv'),
    instruments: side('instruments.csv'),
    manifest: side('manifest.json'),
  };
  const daily = names.get('daily');
  if (daily?.isDirectory) {
    const dailyPath = joinTreePath(root, daily.name);
    const files = (await tree.list(dailyPath))
      .filter((entry) => !entry.isDirectory && DATA_FILE.test(entry.name))
      .map((entry) => perSymbolFile(tree, joinTreePath(dailyPath, entry.name), entry.name));
    if (files.length > 0) return { ...base, kind: 'per-symbol', files: sortBySymbol(files) };
  }
  const rootCsvs = entries.filter(
    (entry) => !entry.isDirectory && DATA_FILE.test(entry.name) && !SIDE_FILES.has(entry.name.toLowerCase()),
  );
  if (rootCsvs.length > 0) {
    const first = tree.ref(joinTreePath(root, rootCsvs[0]!.name), /\.gz$/i.test(rootCsvs[0]!.name));
    if (first !== null && (await hasSymbolColumn(first))) {
      const files = rootCsvs.map((entry) => {
        const path = joinTreePath(root, entry.name);
        return { path, symbol: null, ref: tree.ref(path, /\.gz$/i.test(entry.name)) };
      });
      return { ...base, kind: 'long', files };
    }
    if (first !== null) {
      const files = rootCsvs.map((entry) => perSymbolFile(tree, joinTreePath(root, entry.name), entry.name));
      return { ...base, kind: 'per-symbol', files: sortBySymbol(files) };
    }
  }
  throw unknownLayout(entries, await describeUnknownLayout(tree, root, entries));
}

/**
 * The bundle root: the top, or the folder reached through single-child directories (`qlib_bin/`, `bundle/`). A
 * release often puts a README or a LICENSE beside that one folder; such files do not stop the descent when the folder
 * holds a bundle (a code-only archive, README.md beside scripts/, is then still reported as its top level).
 */
export async function findBundleRoot(tree: BundleTree, start = ''): Promise<{ root: string; entries: TreeEntry[] }> {
  let root = start;
  let entries = await tree.list(root);
  for (;;) {
    const folders = entries.filter((entry) => entry.isDirectory);
    const only = folders.length === 1 ? folders[0]! : undefined;
    if (!only || BUNDLE_DIRS.has(only.name.toLowerCase())) break;
    const inside = joinTreePath(root, only.name);
    if (folders.length < entries.length) {
      if (!entries.every((entry) => entry.isDirectory || DOCUMENT.test(entry.name))) break;
      // The folder's own root, found once: it is the answer when it holds a bundle.
      const inner = await findBundleRoot(tree, inside);
      if (holdsBundle(inner.entries)) return inner;
      break;
    }
    root = inside;
    entries = await tree.list(root);
  }
  return { root, entries };
}

/** Folders that are part of a bundle, never a wrapper around one. */
const BUNDLE_DIRS = new Set(['daily', 'features', 'calendars']);
/** What a release puts beside its data: read-me, licence and change files, and documents. */
const DOCUMENT =
  /^(readme|license|licence|copying|notice|changelog|changes|history|authors|contributors|citation)([._-].*)?$|\.(md|markdown|rst|txt|pdf|html?)$/i;

/** Whether a folder's entries look like a bundle root: its data folders, or CSV files. */
function holdsBundle(entries: readonly TreeEntry[]): boolean {
  return entries.some((entry) =>
    entry.isDirectory ? BUNDLE_DIRS.has(entry.name.toLowerCase()) : DATA_FILE.test(entry.name),
  );
}

function unknownLayout(entries: readonly TreeEntry[], found: string): AppError {
  const listing = entries.map((entry) => entry.name + (entry.isDirectory ? '/' : '')).slice(0, 20);
  return new AppError(
    ErrorCode.BundleInvalid,
    `Unsupported bundle: found ${found}; expected csv-daily (daily/<SYMBOL>.csv, or CSV files at the root) or qlib ` +
      'binary (calendars/day.txt and features/<symbol>/<field>.day.bin).',
    { details: { topLevel: listing } },
  );
}

function perSymbolFile(tree: BundleTree, path: string, name: string): DataFile {
  return { path, symbol: canonicalizeSymbol(name.replace(DATA_FILE, '')), ref: tree.ref(path, /\.gz$/i.test(name)) };
}

function sortBySymbol(files: DataFile[]): DataFile[] {
  return files.sort((a, b) => ((a.symbol ?? '') < (b.symbol ?? '') ? -1 : 1));
}

/** Sniffs the header line (within the first 64 KB, gunzipped for `.csv.gz`): a symbol alias means long form. */
async function hasSymbolColumn(ref: ByteRef): Promise<boolean> {
  const head = await readHead(ref, SNIFF_BYTES);
  const newline = head.indexOf(10);
  // Decode the header line only: a 64 KB cut could split a multi-byte character and fake invalid UTF-8.
  const headerLine = decodeText(head.subarray(0, newline < 0 ? head.length : newline)).text;
  return resolveHeaderColumns(headerLine.replace(/\r$/, '').split(',')).indexes.symbol >= 0;
}

/** Up to `limit` leading bytes of a file, decompressed; stops reading as soon as it has them. */
export async function readHead(ref: ByteRef, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  let source: Awaited<ReturnType<typeof openByteRefStream>> | undefined;
  try {
    source = await openByteRefStream(ref);
    for await (const chunk of source as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      length += chunk.length;
      if (length >= limit || chunk.includes(10)) break;
    }
    return Buffer.concat(chunks).subarray(0, limit);
  } catch (error) {
    throw new AppError(ErrorCode.BundleInvalid, 'A bundle data file cannot be read.', { cause: error });
  } finally {
    source?.destroy();
  }
}
