import { AppError, ErrorCode } from '../../errors';
import type { SymbolInfo } from '../analyzerSetup';
import { isSystemLitterPath } from '../bundleTree';
import type { DataFile } from '../locateBundle';
import { qlibSymbol } from '../qlib/locateQlibLayout';
import { isQlibFieldRead } from '../qlib/readQlibRows';
import { canonicalizeSymbol } from '../symbolCodes';
import type { SymbolJob } from '../workerMessages';

type QlibJobField = Extract<SymbolJob, { kind: 'qlib' }>['fields'][number];

/** Where a streamed bundle's data members are: the layout and its root (tree path, '' for the top). */
export interface StreamedLayout {
  readonly format: 'csv-daily' | 'qlib-bin';
  readonly root: string;
  /**
   * A csv-daily bundle's data files when the whole listing is known (per symbol, in `daily/` or at the root); without
   * them the files are the `daily/<SYMBOL>.csv` members.
   */
  readonly files?: readonly DataFile[];
}

export interface MemberJobMapper {
  /** Whether a member is data of this bundle (others need not be read at all). */
  accepts(path: string): boolean;
  /**
   * Takes one member's bytes (they may be a view of the stream's buffers: what a job keeps is copied); returns the
   * jobs it completes (none, one, or the previous qlib symbol's). A qlib field whose values nothing reads keeps only
   * its head (see keepsHeadOnly); `byteLength` is the member's length when `bytes` is that head already.
   */
  add(path: string, bytes: Buffer, byteLength?: number): SymbolJob[];
  /** The jobs still open at the end of the archive. */
  end(): SymbolJob[];
}

const DAILY_CSV = /^daily\/([^/]+)\.csv(\.gz)?$/i;
const QLIB_FIELD = /^features\/([^/]+)\/([a-z0-9_$]+)\.day\.bin$/i;

/**
 * Turns the data members of an archive read in order into symbol jobs: a csv-daily file is one job;
 * a qlib symbol's `.day.bin` files are gathered until the next symbol's start (tar writes a directory's files
 * together). A symbol whose files come apart is BUNDLE_INVALID, since its first part was already analysed.
 */
export function createMemberJobMapper(layout: StreamedLayout, info: (symbol: string) => SymbolInfo): MemberJobMapper {
  const prefix = layout.root === '' ? '' : `${layout.root}/`;
  let open: { dir: string; fields: GatheredField[] } | null = null;
  const done = new Set<string>();
  const flush = (): SymbolJob[] => {
    if (open === null) return [];
    const { dir, fields } = open;
    open = null;
    done.add(dir);
    return [{ kind: 'qlib', info: info(qlibSymbol(dir)), fields: packFields(fields) }];
  };
  const inRoot = (path: string): boolean => path.startsWith(prefix) && !isSystemLitterPath(path);
  // A csv-daily file's symbol, or null for any other member: the listed files when the listing is known, else the
  // `daily/<SYMBOL>.csv` members.
  const listed = layout.files ? new Map(layout.files.map((file) => [file.path, file.symbol ?? ''])) : null;
  const csvSymbol = (path: string): string | null => {
    if (listed) return listed.get(path) ?? null;
    const match = inRoot(path) ? DAILY_CSV.exec(path.slice(prefix.length)) : null;
    return match ? canonicalizeSymbol(match[1]!) : null;
  };
  return {
    accepts: (path) =>
      layout.format === 'csv-daily'
        ? csvSymbol(path) !== null
        : inRoot(path) && QLIB_FIELD.test(path.slice(prefix.length)),
    add(path, bytes, byteLength = bytes.length) {
      if (layout.format === 'csv-daily') {
        const symbol = csvSymbol(path);
        if (symbol === null) return [];
        const data = { kind: 'bytes' as const, data: ownCopy(bytes), gzip: /\.gz$/i.test(path) };
        return [{ kind: 'csv', info: info(symbol), data }];
      }
      if (!inRoot(path)) return [];
      const relative = path.slice(prefix.length);
      const match = QLIB_FIELD.exec(relative);
      if (!match) return [];
      const dir = match[1]!;
      if (done.has(dir)) {
        throw new AppError(
          ErrorCode.BundleInvalid,
          `The files of features/${dir}/ are not together in the tar.gz, so it cannot be read in one pass; ` +
            'extract it and analyse the directory.',
        );
      }
      const jobs = open !== null && open.dir !== dir ? flush() : [];
      open ??= { dir, fields: [] };
      const field = match[2]!.toLowerCase();
      if (isQlibFieldRead(field)) open.fields.push({ field, data: bytes });
      else open.fields.push({ field, data: qlibHead(bytes), byteLength });
      return jobs;
    },
    end: flush,
  };
}

/** The bytes kept of a qlib field whose values nothing reads: its start index. */
const QLIB_HEAD_BYTES = 4;
const QLIB_FIELD_NAME = /(?:^|\/)features\/[^/]+\/([^/]+)\.day\.bin$/i;

/**
 * Whether only the head of this member need be kept: a qlib field whose values nothing reads (`vwap`, `adjclose`,
 * `change`), whose shape its head and length tell. Such a member is set aside as `bytes.subarray(0, 4)` with its
 * length, and a third of a real bundle's bytes (chenditc's ten fields) is neither copied nor set aside.
 */
export function keepsHeadOnly(path: string): boolean {
  const match = QLIB_FIELD_NAME.exec(path);
  return match !== null && !isQlibFieldRead(match[1]!);
}

/** The head kept of such a member (see keepsHeadOnly). */
export function qlibHead(bytes: Buffer): Buffer {
  return bytes.subarray(0, QLIB_HEAD_BYTES);
}

interface GatheredField {
  readonly field: string;
  readonly data: Buffer;
  /** Set when `data` is only the file's head. */
  readonly byteLength?: number;
}

/**
 * A symbol's fields copied side by side into one buffer of their own: one move to a worker instead of one per field.
 * Each field starts at a multiple of 4 when the ones before it are whole float32 arrays (or heads), as valid ones
 * are, so it is read in place.
 */
function packFields(fields: readonly GatheredField[]): QlibJobField[] {
  let total = 0;
  for (const { data } of fields) total += data.length;
  const packed = Buffer.allocUnsafeSlow(total);
  let at = 0;
  return fields.map(({ field, data, byteLength }) => {
    data.copy(packed, at);
    const view = packed.subarray(at, at + data.length);
    at += data.length;
    const ref = { kind: 'bytes' as const, data: view, gzip: false };
    return byteLength === undefined ? { field, data: ref } : { field, data: ref, byteLength };
  });
}

/**
 * Bytes in memory of their own: a view into a stream's buffers would pin them, and posting it to a worker would copy
 * the whole buffer behind it; an owned buffer is moved instead.
 */
export function ownCopy(bytes: Buffer): Buffer {
  const owned = Buffer.allocUnsafeSlow(bytes.length);
  bytes.copy(owned);
  return owned;
}
