import { basename } from 'node:path';
import { AppError, ErrorCode } from '../../errors';
import type { StageLog } from '../progress';
import type { DownloadOptions } from './downloadOptions';
import type { RequestSettings } from './openHttpRequest';
import { probeChecksumFile } from './probeChecksumFile';

/**
 * The SHA-256 the archive must match, or null to take it unverified. A given digest wins; else a named checksum
 * file, which must hold a digest; else the `<url>.sha256` sidecar: `auto` uses it when it holds a digest and logs
 * a WARNING when it is there but unusable (an HTML page served with 200, the archive itself), `required` fails in
 * both cases, `off` skips it. A digest that does not match the archive fails the download in every mode.
 */
export async function resolveExpectedDigest(
  options: DownloadOptions,
  url: URL,
  settings: RequestSettings,
  maxRedirects: number,
  log: StageLog,
): Promise<string | null> {
  const given = normalizeDigest(options.expectedSha256);
  if (given !== null) return given;
  const fileName = urlFileName(url);
  if (options.checksumUrl != null) {
    const checksumUrl = parseChecksumUrl(options.checksumUrl);
    const probe = await probeChecksumFile(checksumUrl, fileName, settings, maxRedirects);
    if (probe.kind !== 'digest') throw probe.error;
    log('INFO', `Using the SHA-256 from the checksum file ${basename(checksumUrl.pathname)}.`);
    return probe.digest;
  }
  const mode = options.checksumSidecar ?? 'auto';
  if (mode === 'off') return null;
  const sidecarUrl = new URL(url);
  sidecarUrl.pathname += '.sha256';
  const probe = await probeChecksumFile(sidecarUrl, fileName, settings, maxRedirects);
  switch (probe.kind) {
    case 'digest':
      log('INFO', 'Using the SHA-256 from the .sha256 file next to the bundle.');
      return probe.digest;
    case 'absent':
      if (mode === 'required') throw withNote(probe.error, 'A .sha256 file next to the bundle is required.');
      return null;
    case 'unusable':
      if (mode === 'required') throw probe.error;
      log('WARNING', `${probe.error.message} Ignored it: the download is not verified against a checksum.`);
      return null;
  }
}

function withNote(error: AppError, note: string): AppError {
  return new AppError(error.code, `${error.message} ${note}`, { cause: error });
}

function parseChecksumUrl(text: string): URL {
  const url = URL.canParse(text) ? new URL(text) : null;
  if (url === null || !['http:', 'https:', 'file:'].includes(url.protocol)) {
    throw new AppError(ErrorCode.DownloadFailed, 'The checksum file URL is not a valid http, https or file URL.');
  }
  return url;
}

function urlFileName(url: URL): string {
  const last = basename(url.pathname);
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}

function normalizeDigest(value: string | null | undefined): string | null {
  if (value === null || value === undefined || value.trim() === '') return null;
  const digest = value.trim().toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(digest)) {
    throw new AppError(ErrorCode.DownloadFailed, 'The expected SHA-256 is not a 64-character hex digest.');
  }
  return digest;
}
