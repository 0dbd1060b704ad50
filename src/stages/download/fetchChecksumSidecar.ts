import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { AppError, ErrorCode } from '../../errors';
import type { RequestSettings } from './openHttpRequest';
import { httpStatusError, requestFollowingRedirects } from './requestFollowingRedirects';

const MAX_SIDECAR_BYTES = 64 * 1024;

/**
 * Digest from `<url>.sha256`, or null when there is none (404/410; 403 too, since signed URLs such as Azure SAS
 * only cover the archive itself). Accepts a bare digest, `sha256sum` output ("<hex>  name") and BSD style.
 */
export async function fetchChecksumSidecar(
  url: URL,
  settings: RequestSettings,
  maxRedirects: number,
): Promise<string | null> {
  const sidecarUrl = new URL(url);
  sidecarUrl.pathname += '.sha256';
  const { exchange, finalUrl } = await requestFollowingRedirects(sidecarUrl, settings, maxRedirects);
  const status = exchange.response.statusCode ?? 0;
  if (status === 404 || status === 410 || status === 403) {
    exchange.discard();
    return null;
  }
  if (status !== 200) throw httpStatusError(exchange, finalUrl);
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of exchange.response as AsyncIterable<Buffer>) {
    length += chunk.length;
    if (length > MAX_SIDECAR_BYTES) {
      exchange.discard();
      throw new AppError(ErrorCode.DownloadFailed, `The checksum file on ${url.host} is too large.`);
    }
    chunks.push(chunk);
  }
  return parseChecksumText(Buffer.concat(chunks).toString('utf8'), url.host, urlFileName(url));
}

/** Reads `<path>.sha256` next to a local source file; null when absent. */
export async function readChecksumSidecarFile(path: string): Promise<string | null> {
  let text: string;
  try {
    text = await readFile(`${path}.sha256`, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  return parseChecksumText(text, 'the local checksum file', basename(path));
}

function urlFileName(url: URL): string {
  const last = basename(url.pathname);
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}

/**
 * The digest for `fileName` from a checksum file. One digest is taken as it is (a wrong one fails the comparison
 * later); from a list of several (a SHA256SUMS-style file) only the line naming our file counts.
 */
export function parseChecksumText(text: string, source: string, fileName: string): string {
  // Lines that are not digests (comments, a signature block) are skipped.
  const digests = text
    .split(/\r?\n/)
    .map(parseChecksumLine)
    .filter((entry) => entry !== null);
  if (digests.length === 0) {
    throw new AppError(ErrorCode.DownloadFailed, `The checksum file from ${source} does not hold a SHA-256 digest.`);
  }
  const match = digests.length === 1 ? digests[0] : digests.find((entry) => entry.name === fileName);
  if (match === undefined) {
    throw new AppError(
      ErrorCode.DownloadFailed,
      `The checksum file from ${source} lists several files but none named ${JSON.stringify(fileName)}.`,
    );
  }
  return match.digest;
}

/** `<hex>`, sha256sum's `<hex>  name` / `<hex> *name`, BSD's `SHA256 (name) = <hex>`, OpenSSL's `SHA2-256(name)= <hex>`. */
function parseChecksumLine(line: string): { digest: string; name: string | null } | null {
  const gnu = /^\s*([0-9a-fA-F]{64})(?:\s+\*?(.*?))?\s*$/.exec(line);
  if (gnu?.[1] !== undefined) return { digest: gnu[1].toLowerCase(), name: baseName(gnu[2]) };
  const bsd = /^\s*SHA(?:2-)?256\s?\((.*)\)\s?=\s*([0-9a-fA-F]{64})\s*$/.exec(line);
  if (bsd?.[2] !== undefined) return { digest: bsd[2].toLowerCase(), name: baseName(bsd[1]) };
  return null;
}

function baseName(name: string | undefined): string | null {
  if (name === undefined || name === '') return null;
  return name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
}
