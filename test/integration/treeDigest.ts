import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Every file under `dir` with the SHA-256 of its bytes: two trees are the same bundle when these are equal. */
export function treeDigest(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    out[path.relative(dir, full)] = createHash('sha256').update(readFileSync(full)).digest('hex');
  }
  return out;
}

/** One digest for a whole tree (its file list and every file's bytes), or null when the directory is missing. */
export function treeFingerprint(dir: string): string | null {
  let files: Record<string, string>;
  try {
    files = treeDigest(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const lines = Object.entries(files)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, digest]) => `${digest}  ${name}`);
  return createHash('sha256').update(lines.join('\n')).digest('hex');
}
