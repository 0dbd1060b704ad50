import type { StageContext } from '../../stages/stageContext';
import { throwIfCancelled } from '../../stages/stageContext';
import { resolveLimits, type ExtractLimits } from '../../stages/unzip/extractLimits';
import { iterateTarMembers, type TarMember } from '../../stages/unzip/iterateTarMembers';
import { openTarGzReader } from '../../stages/unzip/openTarGzReader';
import type { ByteRef } from '../byteRef';
import { createListingTree, type BundleTree } from '../bundleTree';
import { locateBundle, type BundleLayout } from '../locateBundle';
import type { BundleInput } from '../runBundleAnalysis';
import type { SymbolJob } from '../workerMessages';
import { createMemberSpill, type MemberSpill } from './createMemberSpill';
import { createMemberJobMapper, keepsHeadOnly, ownCopy, qlibHead, type StreamedLayout } from './mapMembersToJobs';
import { dataRoot, readyLayout } from './readyLayout';

/** Data bytes held in memory while the layout is undecided; past it they wait in a temporary file (see spillDir). */
const DEFAULT_BUDGET = 48 * 2 ** 20;
/** Side files (calendars, instruments, manifests) are small; one larger than this is not kept. */
const MAX_SIDE_FILE = 64 * 2 ** 20;
/**
 * Leading bytes kept of a CSV file directly in a folder whose data is not held: the layout check reads the header
 * line, within the first 64 KiB, of the folder's first CSV file (by name) to tell per-symbol files from a long-form
 * file. Kept for this many folders at most (a hostile archive could have a CSV file in each of thousands).
 */
const HEAD_BYTES = 64 * 2 ** 10;
const MAX_HEADS = 256;
/** Files between progress reports while the layout is not known yet. */
const LIST_PROGRESS_EVERY = 500;
const SIDE_FILE =
  /(^|\/)(calendar\.csv|instruments\.csv|manifest\.json|adj_factor\.csv|calendars\/[^/]+|instruments\/[^/]+)$/i;

export interface TarGzBundleOptions {
  readonly limits?: Partial<ExtractLimits>;
  /** Data bytes to hold while the layout is undecided (default 48 MiB). */
  readonly budgetBytes?: number;
  /**
   * A directory the caller owns and removes. Past the budget, the data members that come before the layout is known
   * are set aside in a file there and read back from it, instead of in a second pass over the archive (which inflates
   * it all again). Without it, or when the file system has no room for them, the second pass it is.
   */
  readonly spillDir?: string;
  /**
   * Only a tree will do (the caller needs every file by name, as the diff does): the archive is held whole while it
   * fits the budget, and the answer is null as soon as it does not, without reading further.
   */
  readonly treeOnly?: boolean;
}

type Held = Map<string, Buffer | null>;
/** By folder: the leading bytes of its first CSV file by name (see HEAD_BYTES). */
type Heads = Map<string, { path: string; bytes: Buffer }>;

/**
 * A tar.gz bundle read in place, member by member, never extracted. A tar has no index, so the layout is decided from
 * the members seen so far: as soon as it is known with the files that shape the analysis (qlib: calendars/day.txt;
 * csv-daily: calendar.csv, instruments.csv and manifest.json), the data members are analysed as they stream by. Until
 * then they are held in memory up to a budget; a small bundle is simply read whole. Past the budget the data members
 * are set aside in a temporary file (see `spillDir`) until the layout is known, and analysed from there; without one
 * the rest is only listed (side files kept), and the data members are read in a second pass. Long-form CSV bundles,
 * which need the whole file split first, are returned as a tree only when they fit the budget; otherwise null
 * (extract them).
 */
export async function openTarGzBundle(
  archivePath: string,
  ctx: StageContext,
  options: TarGzBundleOptions = {},
): Promise<BundleInput | null> {
  const limits = resolveLimits(options.limits);
  const budget = options.budgetBytes ?? DEFAULT_BUDGET;
  const held: Held = new Map();
  const heads: Heads = new Map();
  let heldBytes = 0;
  let overflow = false;
  let spill: MemberSpill | null = null;
  const checkCancelled = (): void => throwIfCancelled(ctx.signal, 'Analysis');
  const pass = openPass(archivePath, limits, checkCancelled);
  const roots = new Set<string>();
  let handedOver = false;
  let listed = 0;
  // The set-aside file goes with the input handed over; on any failure before that it is removed here.
  try {
    try {
      for (;;) {
        const next = await pass.members.next();
        if (next.done === true) break;
        const member = next.value;
        if (member.isDirectory) continue;
        listed++;
        if (listed % LIST_PROGRESS_EVERY === 0) {
          const message = !overflow
            ? `${listed} files read; the layout is not known yet`
            : spill?.ok === true
              ? `${listed} files read; the data waits in a temporary file until the layout is known`
              : `${listed} files listed; the data is read in a second pass`;
          ctx.onProgress({ done: listed, total: null, unit: 'files', message });
        }
        const sideName = SIDE_FILE.test(member.path);
        const side = sideName && member.size <= MAX_SIDE_FILE;
        const root = side ? null : dataRoot(member.path);
        // A large calendar.csv is no side file to keep, nor a data file the layout check reads.
        const head = root?.startsWith('csv-files|') === true && !sideName && isFirstByName(heads, member.path);
        if (side || !overflow) {
          const bytes = await readAll(member);
          held.set(member.path, bytes);
          if (!side) heldBytes += member.size;
          if (head) keepHead(heads, member.path, bytes);
        } else {
          held.set(member.path, null);
          const spilled = root !== null && spill?.ok === true;
          if (spilled || head) {
            const bytes = await member.read();
            if (spilled) setAside(spill!, member.path, bytes);
            if (head) keepHead(heads, member.path, bytes);
          }
        }
        if (!side && !overflow && heldBytes > budget) {
          if (options.treeOnly === true) return null;
          overflow = true;
          spill = options.spillDir === undefined ? null : createMemberSpill(options.spillDir);
          for (const [path, bytes] of held) {
            if (bytes === null || SIDE_FILE.test(path)) continue;
            if (dataRoot(path) !== null && spill) setAside(spill, path, bytes);
            held.set(path, null);
          }
        }
        if (root !== null) roots.add(root);
        // Past the budget the layout can still be taken up as it shows, when the data before it was set aside.
        const ready = options.treeOnly === true || (overflow && spill?.ok !== true) ? null : readyLayout(held, roots);
        if (ready) await spill?.settle();
        // A write that failed on the thread pool lost members set aside: the listing goes on, for a second pass.
        if (ready && spill?.ok !== false) {
          handedOver = true;
          return streamedInput(ready, { held, spill, pass, total: null }, checkCancelled);
        }
      }
    } finally {
      if (!handedOver) pass.close();
    }
    if (!overflow) return listingTree(held);
    const layout = await locateBundle(listingTree(held, heads));
    if (layout.kind === 'long') {
      spill?.discard();
      return null;
    }
    // The data members are known by name now: exactly the layout's files (per-symbol files at the root included).
    const files = layout.format === 'csv-daily' ? layout.files : undefined;
    const ready = { streamed: { format: layout.format, root: layout.root, files }, layout };
    const total = layout.format === 'qlib-bin' ? layout.symbols.length : layout.files.length;
    await spill?.settle();
    if (spill?.ok === true) return streamedInput(ready, { held: new Map(), spill, pass: null, total }, checkCancelled);
    const second = openPass(archivePath, limits, checkCancelled);
    return streamedInput(ready, { held: new Map(), spill: null, pass: second, total }, checkCancelled);
  } catch (error) {
    spill?.discard();
    throw error;
  }
}

interface Pass {
  readonly members: AsyncGenerator<TarMember>;
  close(): void;
}

/** A pass over the archive's members; the file is opened when the first member is asked for. */
function openPass(archivePath: string, limits: ExtractLimits, checkCancelled: () => void): Pass {
  let opened: { close(): void } | null = null;
  const members = (async function* (): AsyncGenerator<TarMember> {
    const { reader, close } = openTarGzReader(archivePath, limits);
    opened = { close };
    yield* iterateTarMembers(reader, limits.maxEntries, checkCancelled);
  })();
  return { members, close: () => opened?.close() };
}

/** Sets a data member aside: whole, or only its head when that is all the analysis reads of it (keepsHeadOnly). */
function setAside(spill: MemberSpill, path: string, bytes: Buffer): void {
  if (keepsHeadOnly(path)) spill.add(path, qlibHead(bytes), bytes.length);
  else spill.add(path, bytes);
}

/** A member's bytes in memory of their own, to be held past the next member. */
async function readAll(member: TarMember): Promise<Buffer> {
  return ownCopy(await member.read());
}

/**
 * The members listed so far as a tree, with the bytes held. A CSV file whose data is not held but whose head was
 * kept reads as that head: enough for the layout check, which is all this tree is used for then (its data members
 * are read from the set-aside file or a second pass, never through the tree).
 */
function listingTree(held: Held, heads: Heads = new Map()): BundleTree {
  const files = new Map<string, ((gzip: boolean) => ByteRef) | null>();
  for (const [path, data] of held) {
    const bytes = data ?? headOf(heads, path);
    files.set(path, bytes === null ? null : (gzip: boolean) => ({ kind: 'bytes', data: bytes, gzip }));
  }
  return createListingTree('tar.gz', files);
}

function folderOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

/** Whether `path` comes before every CSV file of its folder seen so far (by name, as the tree lists them). */
function isFirstByName(heads: Heads, path: string): boolean {
  const kept = heads.get(folderOf(path));
  return kept === undefined ? heads.size < MAX_HEADS : path < kept.path;
}

function keepHead(heads: Heads, path: string, bytes: Buffer): void {
  heads.set(folderOf(path), { path, bytes: ownCopy(bytes.subarray(0, HEAD_BYTES)) });
}

function headOf(heads: Heads, path: string): Buffer | null {
  const kept = heads.get(folderOf(path));
  return kept?.path === path ? kept.bytes : null;
}

/** Where a streamed bundle's data members are, in archive order: held in memory, set aside, then still to come. */
interface DataSources {
  readonly held: Held;
  readonly spill: MemberSpill | null;
  readonly pass: Pass | null;
  /** Data members in all (null when the archive is still being read). */
  readonly total: number | null;
}

/** Jobs from the held data members first, then from those set aside, then from the members still to come. */
function streamedInput(
  ready: { streamed: StreamedLayout; layout: BundleLayout },
  { held, spill, pass, total }: DataSources,
  checkCancelled: () => void,
): BundleInput {
  return {
    layout: ready.layout,
    total,
    jobs: (info) =>
      (async function* (): AsyncGenerator<SymbolJob> {
        const mapper = createMemberJobMapper(ready.streamed, info);
        try {
          for (const [path, bytes] of held) if (bytes !== null) yield* mapper.add(path, bytes);
          held.clear();
          if (spill) {
            const wanted = (path: string): boolean => mapper.accepts(path);
            for (const [path, bytes, byteLength] of spill.members(wanted, checkCancelled)) {
              yield* mapper.add(path, bytes, byteLength);
            }
          }
          if (pass) {
            for await (const member of pass.members) {
              if (member.isDirectory) continue;
              if (!mapper.accepts(member.path)) continue;
              yield* mapper.add(member.path, await member.read());
            }
          }
          yield* mapper.end();
        } finally {
          spill?.discard();
          pass?.close();
        }
      })(),
  };
}
