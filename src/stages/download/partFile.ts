import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, rm, stat, writeFile } from 'node:fs/promises';

/** What `<name>.part.json` remembers about the partial file, so a resume asks for the same representation. */
export interface PartMeta {
  readonly url: string;
  readonly etag: string | null;
  readonly lastModified: string | null;
  /** The response's Date header: it decides whether Last-Modified is a strong enough validator for If-Range. */
  readonly date?: string | null;
  readonly totalBytes: number | null;
}

export interface PartPaths {
  readonly finalPath: string;
  readonly partPath: string;
  readonly metaPath: string;
}

export async function readPartState(paths: PartPaths): Promise<{ size: number; meta: PartMeta | null } | null> {
  let size: number;
  try {
    size = (await stat(paths.partPath)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  try {
    const meta = JSON.parse(await readFile(paths.metaPath, 'utf8')) as Partial<PartMeta>;
    const valid =
      typeof meta.url === 'string' &&
      (meta.etag === null || typeof meta.etag === 'string') &&
      (meta.lastModified === null || typeof meta.lastModified === 'string');
    return { size, meta: valid ? (meta as PartMeta) : null };
  } catch {
    return { size, meta: null };
  }
}

export async function writePartMeta(paths: PartPaths, meta: PartMeta): Promise<void> {
  await writeFile(paths.metaPath, JSON.stringify(meta));
}

export async function removePart(paths: PartPaths): Promise<void> {
  await rm(paths.partPath, { force: true });
  await rm(paths.metaPath, { force: true });
}

/** Hashes the bytes already on disk, streaming, so the digest of a resumed file covers all of it. */
export async function hashExistingPart(partPath: string, bytes: number): Promise<Hash> {
  const hash = createHash('sha256');
  if (bytes === 0) return hash;
  for await (const chunk of createReadStream(partPath, { start: 0, end: bytes - 1, highWaterMark: 1024 * 1024 })) {
    hash.update(chunk as Buffer);
  }
  return hash;
}
