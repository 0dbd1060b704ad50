import { AppError, ErrorCode } from '../../errors';
import { collisionKey } from './normalizeEntryName';

export interface EntryRegistry {
  /** Records a member; throws UNSAFE_ARCHIVE on a duplicate, a file/directory clash or too many entries. */
  register(path: string, isDirectory: boolean): void;
  /** Directories to create (explicit and implied), parents before children. */
  directories(): string[];
  readonly count: number;
}

/**
 * Tracks member names case-insensitively: 'A.csv' and 'a.csv' would overwrite each other on macOS or Windows,
 * and a later duplicate silently replacing an earlier file is how some archive attacks hide content.
 */
export function createEntryRegistry(maxEntries: number): EntryRegistry {
  const files = new Set<string>();
  const dirs = new Map<string, string>();
  // Directory paths exactly as already recorded: every member of a directory names it again, and checking it again
  // could not fail (a file with its key would have been refused when it came).
  const recorded = new Set<string>();
  let count = 0;
  const unsafe = (message: string): never => {
    throw new AppError(ErrorCode.UnsafeArchive, `Unsafe archive: ${message}.`);
  };

  function addDirectory(path: string): void {
    if (recorded.has(path)) return;
    const key = collisionKey(path);
    if (files.has(key)) unsafe(`${JSON.stringify(path)} is both a file and a directory`);
    const known = dirs.get(key);
    if (known === undefined) dirs.set(key, path);
    else if (known !== path)
      unsafe(`directories ${JSON.stringify(known)} and ${JSON.stringify(path)} differ only in case`);
    recorded.add(path);
  }

  return {
    register(path, isDirectory) {
      count += 1;
      if (count > maxEntries) unsafe(`more than ${maxEntries} entries`);
      if (path === '') return;
      for (let slash = path.indexOf('/'); slash >= 0; slash = path.indexOf('/', slash + 1)) {
        addDirectory(path.slice(0, slash));
      }
      if (isDirectory) {
        addDirectory(path);
        return;
      }
      const key = collisionKey(path);
      if (files.has(key)) unsafe(`duplicate entry ${JSON.stringify(path)}`);
      if (dirs.has(key)) unsafe(`${JSON.stringify(path)} is both a file and a directory`);
      files.add(key);
    },
    directories() {
      return [...dirs.values()].sort((a, b) => a.split('/').length - b.split('/').length);
    },
    get count() {
      return count;
    },
  };
}
