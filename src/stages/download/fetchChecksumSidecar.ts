import { readFile } from 'node:fs/promises';
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
  return parseChecksumText(Buffer.concat(chunks).toString('utf8'), url.host);
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
  return parseChecksumText(text, 'the local checksum file');
}

export function parseChecksumText(text: string, source: string): string {
  const line = text.split(/\r?\n/).find((candidate) => candidate.trim() !== '') ?? '';
  const match = /^\s*(?:SHA256 \(.*\) = )?([0-9a-fA-F]{64})(?:\s|$)/.exec(line);
  if (match?.[1] === undefined) {
    throw new AppError(ErrorCode.DownloadFailed, `The checksum file from ${source} does not hold a SHA-256 digest.`);
  }
  return match[1].toLowerCase();
}
