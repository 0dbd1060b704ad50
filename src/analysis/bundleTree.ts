import { readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { AppError, ErrorCode } from '../errors';
import type { ByteRef } from './byteRef';

export interface TreeEntry {
  readonly name: string;
  readonly isDirectory: boolean;
}

/**
 * A bundle's files wherever they are: a directory, the members of a zip read in place, or the members of a tar.gz
 * streamed into memory. Paths are relative with `/` separators; `''` is the top.
 */
export interface BundleTree {
  readonly kind: 'directory' | 'zip' | 'tar.gz';
  /** Entries of a directory, sorted by name, without system litter (isSystemLitter); [] when it does not exist. */
  list(dir: string): Promise<TreeEntry[]>;
  /** The bytes of a file, or null when they are not at hand (a tar.gz member seen but not kept). */
  ref(path: string, gzip: boolean): ByteRef | null;
}

const IGNORED = new Set(['__MACOSX', '.DS_Store', 'Thumbs.db']);

/**
 * A name that operating systems leave in folders and archives, never bundle data: macOS's `__MACOSX/` and
 * `.DS_Store`, its AppleDouble `._<name>` companions (a file's extended attributes, which a macOS `tar` writes beside
 * the file), and Windows' `Thumbs.db`.
 */
export function isSystemLitter(name: string): boolean {
  return IGNORED.has(name) || name.startsWith('._');
}

/** A path with a system-litter name anywhere in it (see isSystemLitter). */
export function isSystemLitterPath(path: string): boolean {
  return path.split('/').some(isSystemLitter);
}

function byName(a: TreeEntry, b: TreeEntry): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

export function createDirectoryTree(root: string): BundleTree {
  return {
    kind: 'directory',
    async list(dir) {
      try {
        const entries = await readdir(join(root, dir), { withFileTypes: true });
        return entries
          .filter((entry) => !isSystemLitter(entry.name))
          .map((entry) => ({ name: entry.name, isDirectory: entry.isDirectory() }))
          .sort(byName);
      } catch (error) {
        if (dir !== '' && (error as { code?: unknown }).code === 'ENOENT') return [];
        throw new AppError(ErrorCode.BundleInvalid, 'The bundle directory cannot be read.', { cause: error });
      }
    },
    ref: (path, gzip) => ({ kind: 'file', path: join(root, path), gzip }),
  };
}

/**
 * A bundle of one file on disk: the file alone at the top of the tree (a CSV file named on the command line, such as
 * a long-form export with a ticker column or one symbol's file).
 */
export function createSingleFileTree(filePath: string): BundleTree {
  const name = basename(filePath);
  return {
    kind: 'directory',
    list: (dir) => Promise.resolve(dir === '' ? [{ name, isDirectory: false }] : []),
    ref: (path, gzip) => (path === name ? { kind: 'file', path: filePath, gzip } : null),
  };
}

/** A tree over a flat list of member paths (an archive's); directories are implied by the paths. */
export function createListingTree(
  kind: 'zip' | 'tar.gz',
  files: ReadonlyMap<string, ((gzip: boolean) => ByteRef) | null>,
): BundleTree {
  const children = new Map<string, Map<string, boolean>>();
  const add = (dir: string, name: string, isDirectory: boolean): void => {
    let map = children.get(dir);
    if (!map) children.set(dir, (map = new Map<string, boolean>()));
    if (!map.get(name)) map.set(name, isDirectory);
  };
  for (const path of files.keys()) {
    if (isSystemLitterPath(path)) continue;
    const parts = path.split('/');
    for (let i = 0; i < parts.length; i++) add(parts.slice(0, i).join('/'), parts[i]!, i < parts.length - 1);
  }
  return {
    kind,
    list: (dir) =>
      Promise.resolve(
        [...(children.get(dir) ?? new Map<string, boolean>())]
          .map(([name, isDirectory]) => ({ name, isDirectory }))
          .sort(byName),
      ),
    ref: (path, gzip) => files.get(path)?.(gzip) ?? null,
  };
}

/** `a/b` joined for tree paths (the top is ''). */
export function joinTreePath(dir: string, name: string): string {
  return dir === '' ? name : `${dir}/${name}`;
}
