import { AppError, ErrorCode } from '../../errors';

export interface EntryPath {
  /** Relative POSIX path without '.' segments or a trailing slash; '' only for a root entry such as './'. */
  readonly path: string;
  readonly isDirectory: boolean;
}

/**
 * Turns an archive member name into a safe relative path, or throws UNSAFE_ARCHIVE. Rejected: absolute paths,
 * Windows drive letters, backslashes (Windows separators that a POSIX check would miss), NUL and control characters,
 * and any '..' segment (even one that would stay inside the root: no archive we accept needs it).
 */
export function normalizeEntryName(raw: string): EntryPath {
  const reject = (why: string): never => {
    const shown = JSON.stringify(raw.length > 120 ? `${raw.slice(0, 120)}…` : raw);
    throw new AppError(ErrorCode.UnsafeArchive, `Unsafe archive: entry ${shown} ${why}.`);
  };
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f]/.test(raw)) reject('contains control characters');
  if (raw.includes('\\')) reject('contains a backslash');
  if (raw.startsWith('/')) reject('has an absolute path');
  if (/^[A-Za-z]:/.test(raw)) reject('has a drive letter');
  const segments: string[] = [];
  for (const segment of raw.split('/')) {
    if (segment === '..') reject("contains a '..' segment");
    if (segment !== '' && segment !== '.') segments.push(segment);
  }
  if (segments.length === 0) {
    if (raw.endsWith('/')) return { path: '', isDirectory: true };
    reject('has an empty name');
  }
  return { path: segments.join('/'), isDirectory: raw.endsWith('/') };
}

/** Key under which two names collide on a case-insensitive or normalising file system (macOS, Windows). */
export function collisionKey(path: string): string {
  return path.normalize('NFC').toLowerCase();
}
