import { AppError, ErrorCode } from '../../errors';

export interface EntryPath {
  /** Relative POSIX path without '.' segments or a trailing slash; '' only for a root entry such as './'. */
  readonly path: string;
  readonly isDirectory: boolean;
}

/**
 * Turns an archive member name into a safe relative path, or throws UNSAFE_ARCHIVE. Rejected: absolute paths,
 * Windows drive letters, NUL and control characters, any '..' segment (even one that would stay inside the root: no
 * archive we accept needs it), and backslashes, unless `backslashIsSeparator`: then each is a '/' before the checks.
 * That is for zip, whose names never hold a backslash (the format's note requires '/'), though some Windows tools
 * write backslashes as separators. In a tar a backslash may be part of a name, and a check that only knows '/'
 * would miss it as a Windows separator, so it is refused.
 */
export function normalizeEntryName(raw: string, backslashIsSeparator = false): EntryPath {
  const reject = (why: string): never => {
    const shown = JSON.stringify(raw.length > 120 ? `${raw.slice(0, 120)}…` : raw);
    throw new AppError(ErrorCode.UnsafeArchive, `Unsafe archive: entry ${shown} ${why}.`);
  };
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f]/.test(raw)) reject('contains control characters');
  const name = backslashIsSeparator ? raw.replaceAll('\\', '/') : raw;
  if (name.includes('\\')) reject('contains a backslash');
  if (name.startsWith('/')) reject('has an absolute path');
  if (/^[A-Za-z]:/.test(name)) reject('has a drive letter');
  const segments: string[] = [];
  for (const segment of name.split('/')) {
    if (segment === '..') reject("contains a '..' segment");
    if (segment !== '' && segment !== '.') segments.push(segment);
  }
  if (segments.length === 0) {
    if (name.endsWith('/')) return { path: '', isDirectory: true };
    reject('has an empty name');
  }
  return { path: segments.join('/'), isDirectory: name.endsWith('/') };
}

/** Key under which two names collide on a case-insensitive or normalising file system (macOS, Windows). */
export function collisionKey(path: string): string {
  return path.normalize('NFC').toLowerCase();
}
