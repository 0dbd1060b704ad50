import { transientDownloadError } from './transientDownloadError';
import { createHash } from 'node:crypto';
import type { OutgoingHttpHeaders } from 'node:http';
import { AppError, ErrorCode } from '../../errors';
import { reportBytesProgress } from '../reportBytesProgress';
import type { StageContext } from '../stageContext';
import type { InstalledBundle, ResolvedDownloadOptions } from './downloadOptions';
import type { HttpExchange, RequestSettings } from './openHttpRequest';
import { hashExistingPart, readPartState, writePartMeta, type PartMeta, type PartPaths } from './partFile';
import { httpStatusError, requestFollowingRedirects } from './requestFollowingRedirects';
import { toWriteError } from './toWriteError';
import { writeStreamToPart } from './writeStreamToPart';

export type TransferOutcome =
  | { readonly kind: 'not-modified'; readonly etag: string | null; readonly lastModified: string | null }
  | {
      readonly kind: 'complete';
      readonly sha256: string;
      readonly bytes: number;
      readonly etag: string | null;
      readonly lastModified: string | null;
      readonly resumedFromBytes: number;
    };

/**
 * Fetches url into the part file: a conditional GET against the installed validators (304 → not-modified), and a
 * Range request with If-Range when a part with a usable validator exists. A 200 answer, a changed validator or a
 * 416 restarts from zero.
 */
export async function downloadHttp(
  url: URL,
  paths: PartPaths,
  installed: InstalledBundle | null,
  options: ResolvedDownloadOptions,
  ctx: StageContext,
  allowResume = true,
): Promise<TransferOutcome> {
  const part = allowResume ? await readPartState(paths) : null;
  const resumeValidator = part?.meta?.url === url.href ? pickIfRangeValidator(part.meta) : null;
  const resumeFrom = part !== null && resumeValidator !== null && part.size > 0 ? part.size : 0;

  const headers: OutgoingHttpHeaders = { 'user-agent': 'market-data-tasks', 'accept-encoding': 'identity' };
  if (installed?.etag) headers['if-none-match'] = installed.etag;
  else if (installed?.lastModified) headers['if-modified-since'] = installed.lastModified;
  if (resumeFrom > 0 && resumeValidator !== null) {
    headers.range = `bytes=${resumeFrom}-`;
    headers['if-range'] = resumeValidator;
  }
  const settings: RequestSettings = {
    method: 'GET',
    headers,
    connectTimeoutMs: options.connectTimeoutMs,
    idleTimeoutMs: options.idleTimeoutMs,
    signal: ctx.signal,
  };
  const { exchange, finalUrl } = await requestFollowingRedirects(url, settings, options.maxRedirects);
  const { response } = exchange;
  const status = response.statusCode ?? 0;
  const etag = headerValue(response.headers.etag);
  const lastModified = headerValue(response.headers['last-modified']);
  const date = headerValue(response.headers.date);

  if (status === 304 && (installed?.etag || installed?.lastModified)) {
    exchange.discard();
    return {
      kind: 'not-modified',
      etag: etag ?? installed.etag ?? null,
      lastModified: lastModified ?? installed.lastModified ?? null,
    };
  }
  if (status === 200 && etag !== null && !etag.startsWith('W/') && etag === installed?.etag) {
    // The server ignored If-None-Match but the strong validator says it is the installed bundle.
    exchange.discard();
    return { kind: 'not-modified', etag, lastModified };
  }
  if (status === 416 && resumeFrom > 0) {
    exchange.discard();
    ctx.log('INFO', 'The server rejected the resume range; restarting the download from zero.');
    return downloadHttp(url, paths, installed, options, ctx, false);
  }
  let append = false;
  let total = contentLength(response.headers['content-length']);
  if (status === 206 && resumeFrom > 0) {
    const range = parseContentRange(headerValue(response.headers['content-range']));
    const sameRepresentation = etag === null || part?.meta?.etag === null || etag === part?.meta?.etag;
    if (range === null || range.start !== resumeFrom || !sameRepresentation) {
      exchange.discard();
      ctx.log('WARNING', 'The partial download no longer matches the remote file; restarting from zero.');
      return downloadHttp(url, paths, installed, options, ctx, false);
    }
    append = true;
    total = range.total;
  } else if (status !== 200) {
    throw httpStatusError(exchange, finalUrl);
  } else if (resumeFrom > 0) {
    ctx.log('INFO', 'The server sent the whole file instead of the requested range; restarting from zero.');
  }
  if (total !== null && total > options.maxBytes) {
    exchange.discard();
    throw new AppError(
      ErrorCode.DownloadFailed,
      `The archive on ${url.host} is ${total} bytes, over the limit of ${options.maxBytes} bytes.`,
    );
  }
  return receiveBody(exchange, paths, { url, etag, lastModified, date, total, append, resumeFrom }, options, ctx);
}

interface BodyPlan {
  readonly url: URL;
  readonly etag: string | null;
  readonly lastModified: string | null;
  readonly date: string | null;
  readonly total: number | null;
  readonly append: boolean;
  readonly resumeFrom: number;
}

async function receiveBody(
  exchange: HttpExchange,
  paths: PartPaths,
  plan: BodyPlan,
  options: ResolvedDownloadOptions,
  ctx: StageContext,
): Promise<TransferOutcome> {
  const startBytes = plan.append ? plan.resumeFrom : 0;
  await writePartMeta(paths, {
    url: plan.url.href,
    etag: plan.etag,
    lastModified: plan.lastModified,
    date: plan.date,
    totalBytes: plan.total,
  });
  const hash = plan.append ? await hashExistingPart(paths.partPath, startBytes) : createHash('sha256');
  if (plan.append) ctx.log('INFO', `Resuming the download at byte ${startBytes}.`);
  const progress = reportBytesProgress(ctx.onProgress, plan.total);
  progress.update(startBytes);
  let size: number;
  try {
    size = await writeStreamToPart(exchange.response, {
      partPath: paths.partPath,
      append: plan.append,
      hash,
      startBytes,
      maxBytes: options.maxBytes,
      signal: ctx.signal,
      progress,
    });
  } catch (error) {
    exchange.discard();
    throw await toWriteError(error, paths, ctx.signal, exchange.teardownReason(), plan.url.host);
  }
  progress.flush();
  if (plan.total !== null && size !== plan.total) {
    throw transientDownloadError(
      `The connection to ${plan.url.host} ended after ${size} of ${plan.total} bytes; a retry resumes it.`,
    );
  }
  return {
    kind: 'complete',
    sha256: hash.digest('hex'),
    bytes: size,
    etag: plan.etag,
    lastModified: plan.lastModified,
    resumedFromBytes: startBytes,
  };
}

// RFC 9110 §8.8.2.2: a Last-Modified at least this long before the response's Date is a strong validator.
const STRONG_DATE_MARGIN_MS = 60_000;

/**
 * If-Range needs a strong validator (RFC 9110 §13.1.5): a strong ETag; never a weak one, and then not the date
 * either; Last-Modified only when there is no ETag and the date is strong. Null means: do not resume.
 */
function pickIfRangeValidator(meta: PartMeta): string | null {
  if (meta.etag !== null) return meta.etag.startsWith('W/') ? null : meta.etag;
  if (meta.lastModified === null || typeof meta.date !== 'string') return null;
  const margin = Date.parse(meta.date) - Date.parse(meta.lastModified);
  return margin >= STRONG_DATE_MARGIN_MS ? meta.lastModified : null;
}

function parseContentRange(value: string | null): { start: number; total: number | null } | null {
  const match = value === null ? null : /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(value.trim());
  if (!match) return null;
  return { start: Number(match[1]), total: match[3] === '*' ? null : Number(match[3]) };
}

function contentLength(value: string | undefined): number | null {
  if (value === undefined || !/^\d+$/.test(value)) return null;
  return Number(value);
}

function headerValue(value: string | string[] | undefined): string | null {
  if (Array.isArray(value)) return value[0] ?? null;
  return value ?? null;
}
