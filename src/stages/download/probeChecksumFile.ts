import { open, type FileHandle } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { AppError, ErrorCode } from '../../errors';
import type { RequestSettings } from './openHttpRequest';
import { MAX_CHECKSUM_FILE_BYTES, readChecksumDigest } from './readChecksumDigest';
import { httpStatusError, requestFollowingRedirects } from './requestFollowingRedirects';

/**
 * What a checksum file location held: a digest; nothing (404, 410 or 403 — signed URLs such as Azure SAS only cover
 * the archive itself — or no such local file); or something unusable, with the error that says what.
 */
export type ChecksumProbe =
  | { readonly kind: 'digest'; readonly digest: string }
  | { readonly kind: 'absent'; readonly error: AppError }
  | { readonly kind: 'unusable'; readonly error: AppError };

/**
 * Fetches a checksum file (http, https or file URL) and reads the digest for `fileName` from it. Connection
 * failures and cancellation are thrown: they would stop the archive's download just the same.
 */
export async function probeChecksumFile(
  url: URL,
  fileName: string,
  settings: RequestSettings,
  maxRedirects: number,
): Promise<ChecksumProbe> {
  const where =
    url.protocol === 'file:' ? 'The local checksum file' : `The checksum file ${url.pathname} on ${url.host}`;
  const fetched = url.protocol === 'file:' ? await readLocal(url) : await fetchRemote(url, settings, maxRedirects);
  if ('absent' in fetched) return { kind: 'absent', error: failure(`${where} does not exist (${fetched.absent}).`) };
  if ('error' in fetched) return { kind: 'unusable', error: fetched.error };
  const reading = readChecksumDigest(fetched.bytes, fetched.contentType, fileName);
  if ('digest' in reading) return { kind: 'digest', digest: reading.digest };
  return { kind: 'unusable', error: failure(`${where} ${reading.problem}.`) };
}

type Fetched =
  | { readonly bytes: Buffer; readonly contentType: string | null }
  | { readonly absent: string }
  | { readonly error: AppError };

/** Reads at most one byte past the limit, so a huge body (the archive itself) is never pulled in. */
async function fetchRemote(url: URL, settings: RequestSettings, maxRedirects: number): Promise<Fetched> {
  const { exchange, finalUrl } = await requestFollowingRedirects(url, settings, maxRedirects);
  const { statusCode = 0, statusMessage = '', headers } = exchange.response;
  if (statusCode === 404 || statusCode === 410 || statusCode === 403) {
    exchange.discard();
    return { absent: `HTTP ${statusCode}${statusMessage === '' ? '' : ` ${statusMessage}`}` };
  }
  if (statusCode !== 200) return { error: httpStatusError(exchange, finalUrl) };
  const contentType = headers['content-type'] ?? null;
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of exchange.response as AsyncIterable<Buffer>) {
    chunks.push(chunk);
    length += chunk.length;
    if (length > MAX_CHECKSUM_FILE_BYTES) {
      exchange.discard();
      break;
    }
  }
  return { bytes: Buffer.concat(chunks), contentType };
}

async function readLocal(url: URL): Promise<Fetched> {
  let file: FileHandle;
  try {
    file = await open(fileURLToPath(url), 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { absent: 'no such file' };
    return { error: failure(`The local checksum file cannot be read (${code ?? 'unknown error'}).`, error) };
  }
  try {
    const buffer = Buffer.alloc(MAX_CHECKSUM_FILE_BYTES + 1);
    const { bytesRead } = await file.read(buffer, 0, buffer.length, 0);
    return { bytes: buffer.subarray(0, bytesRead), contentType: null };
  } catch (error) {
    // EISDIR and friends: something is there, but not a checksum file.
    const code = (error as NodeJS.ErrnoException).code;
    return { error: failure(`The local checksum file cannot be read (${code ?? 'unknown error'}).`, error) };
  } finally {
    await file.close();
  }
}

function failure(message: string, cause?: unknown): AppError {
  return new AppError(ErrorCode.DownloadFailed, message, cause === undefined ? undefined : { cause });
}
