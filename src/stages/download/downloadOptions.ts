import type { ChecksumSidecarMode } from '../../config';

/** Validators and digest of the bundle that is installed now, used to skip a download that would change nothing. */
export interface InstalledBundle {
  readonly sha256?: string | null;
  readonly etag?: string | null;
  readonly lastModified?: string | null;
}

export interface DownloadOptions {
  /** http://, https:// or file:// URL of the archive. */
  readonly url: string;
  /** Directory for `<fileName>.part`, its `.part.json` sidecar and the finished file; created when missing. */
  readonly downloadsDir: string;
  /** Name of the finished file; default: the last segment of the URL path (sanitised), else "bundle". */
  readonly fileName?: string;
  /** Expected SHA-256 (hex); wins over the checksum file settings below. */
  readonly expectedSha256?: string | null;
  /** http, https or file URL of a checksum file to verify against; it must hold a digest for the archive. */
  readonly checksumUrl?: string | null;
  /** The `<url>.sha256` probe when neither of the above is given; default 'auto'. */
  readonly checksumSidecar?: ChecksumSidecarMode;
  readonly installed?: InstalledBundle | null;
  /** Time allowed to establish the TCP connection; default 15,000 ms. */
  readonly connectTimeoutMs?: number;
  /** Longest silence on an open connection (headers or body); default 30,000 ms. */
  readonly idleTimeoutMs?: number;
  /** Default 5. */
  readonly maxRedirects?: number;
  /** Largest archive accepted, in bytes; default 20 GiB. */
  readonly maxBytes?: number;
}

interface DownloadFacts {
  /** Hex SHA-256 of the archive; for already-current the installed digest when known, else null. */
  readonly sha256: string | null;
  /** Size of the archive in bytes (0 when already current). */
  readonly bytes: number;
  readonly etag: string | null;
  readonly lastModified: string | null;
  /** Bytes taken over from an earlier partial download (0 when it started from scratch). */
  readonly resumedFromBytes: number;
}

/** A new archive, verified and renamed into place. */
export interface DownloadedFile extends DownloadFacts {
  readonly outcome: 'downloaded';
  readonly filePath: string;
}

/** The remote bundle equals the installed one: nothing was downloaded. */
export interface DownloadSkipped extends DownloadFacts {
  readonly outcome: 'already-current';
  readonly filePath: null;
}

export type DownloadResult = DownloadedFile | DownloadSkipped;

export interface ResolvedDownloadOptions {
  readonly connectTimeoutMs: number;
  readonly idleTimeoutMs: number;
  readonly maxRedirects: number;
  readonly maxBytes: number;
}

export function resolveDownloadOptions(options: DownloadOptions): ResolvedDownloadOptions {
  return {
    connectTimeoutMs: options.connectTimeoutMs ?? 15_000,
    idleTimeoutMs: options.idleTimeoutMs ?? 30_000,
    maxRedirects: options.maxRedirects ?? 5,
    maxBytes: options.maxBytes ?? 20 * 2 ** 30,
  };
}
