import type { ByteRef } from '../byteRef';
import { joinTreePath, type BundleTree, type TreeEntry } from '../bundleTree';
import { canonicalizeSymbol } from '../symbolCodes';

/** A qlib binary bundle: the calendar file and every symbol's daily field files. */
export interface QlibLayout {
  readonly format: 'qlib-bin';
  readonly kind: 'qlib';
  readonly root: string;
  /** calendars/day.txt: one `YYYY-MM-DD` per line. */
  readonly calendar: ByteRef;
  /** Sorted by canonical symbol. */
  readonly symbols: readonly QlibSymbolFiles[];
}

export interface QlibSymbolFiles {
  /** Canonical symbol: `sh600000` → `600000.SH`; other names upper-cased as qlib's instruments files write them. */
  readonly symbol: string;
  readonly fields: readonly { readonly field: string; readonly path: string; readonly ref: ByteRef | null }[];
}

const DAY_FIELD = /^([a-z0-9_$]+)\.day\.bin$/i;
// qlib prefixes file names that Windows reserves (CON, PRN, ...) with this.
const RESERVED_PREFIX = '_qlib_';

/** Whether a root listing looks like qlib's layout: a calendars/ and a features/ directory. */
export function looksLikeQlibTree(entries: readonly TreeEntry[]): boolean {
  const dirs = new Set(entries.filter((entry) => entry.isDirectory).map((entry) => entry.name));
  return dirs.has('calendars') && dirs.has('features');
}

/**
 * Recognises qlib's binary layout (as scripts/dump_bin.py writes it) under `root`: `calendars/day.txt` and
 * `features/<symbol lower-case>/<field>.day.bin`. Returns null when the root is not a qlib tree, or when it holds no
 * daily data (then the caller reports what it found).
 */
export async function locateQlibLayout(
  tree: BundleTree,
  root: string,
  entries: readonly TreeEntry[],
): Promise<QlibLayout | null> {
  if (!looksLikeQlibTree(entries)) return null;
  const calendar = tree.ref(joinTreePath(root, 'calendars/day.txt'), false);
  if (calendar === null) return null;
  const featuresDir = joinTreePath(root, 'features');
  const symbols: QlibSymbolFiles[] = [];
  for (const dir of await tree.list(featuresDir)) {
    if (!dir.isDirectory) continue;
    const dirPath = joinTreePath(featuresDir, dir.name);
    const fields = (await tree.list(dirPath))
      .filter((entry) => !entry.isDirectory && DAY_FIELD.test(entry.name))
      .map((entry) => {
        const path = joinTreePath(dirPath, entry.name);
        return { field: DAY_FIELD.exec(entry.name)![1]!.toLowerCase(), path, ref: tree.ref(path, false) };
      });
    if (fields.length > 0) symbols.push({ symbol: qlibSymbol(dir.name), fields });
  }
  if (symbols.length === 0) return null;
  symbols.sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
  return { format: 'qlib-bin', kind: 'qlib', root, calendar, symbols };
}

/** The canonical symbol of a feature directory name. */
export function qlibSymbol(dirName: string): string {
  const name = dirName.startsWith(RESERVED_PREFIX) ? dirName.slice(RESERVED_PREFIX.length) : dirName;
  return canonicalizeSymbol(name.toUpperCase());
}
