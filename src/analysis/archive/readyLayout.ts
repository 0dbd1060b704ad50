import type { ByteRef } from '../byteRef';
import { isSystemLitterPath } from '../bundleTree';
import type { BundleLayout } from '../locateBundle';
import type { StreamedLayout } from './mapMembersToJobs';

/**
 * The layout, once the held members decide it for good: a qlib root with its calendar and a feature file, or a
 * csv-daily root with a daily file and all three side files (a later side file would change the analysis). `roots`
 * are the roots under which data members were seen so far.
 */
export function readyLayout(
  held: ReadonlyMap<string, Buffer | null>,
  roots: ReadonlySet<string>,
): { streamed: StreamedLayout; layout: BundleLayout } | null {
  for (const key of roots) {
    const [format, root] = key.split('|') as [DataRootKind, string];
    // CSV files at a root may be per symbol or long form; only the whole listing can say (see dataRoot).
    if (format === 'csv-files') continue;
    const prefix = root === '' ? '' : `${root}/`;
    const side = (name: string): Buffer | null | undefined => held.get(`${prefix}${name}`);
    if (format === 'qlib-bin') {
      const calendar = side('calendars/day.txt');
      if (!calendar) continue;
      const layout: BundleLayout = { format, kind: 'qlib', root, calendar: bytesRef(calendar), symbols: [] };
      return { streamed: { format, root }, layout };
    }
    const [calendar, instruments, manifest] = ['calendar.csv', 'instruments.csv', 'manifest.json'].map(side);
    if (!calendar || !instruments || !manifest) continue;
    const layout: BundleLayout = {
      format,
      kind: 'per-symbol',
      root,
      files: [],
      calendar: bytesRef(calendar),
      instruments: bytesRef(instruments),
      manifest: bytesRef(manifest),
    };
    return { streamed: { format, root }, layout };
  }
  return null;
}

/** What a data member is: a qlib feature, a csv-daily `daily/` file, or a CSV file directly in a folder. */
type DataRootKind = 'qlib-bin' | 'csv-daily' | 'csv-files';

/**
 * `kind|root` of a data member's bundle, or null for any other member (side files are told apart by the caller). A
 * CSV file directly in a folder (`csv-files`) is data of a bundle rooted there when the listing shows no `daily/`
 * beside it: per symbol (zipline's csvdir) or long form.
 */
export function dataRoot(path: string): string | null {
  if (isSystemLitterPath(path)) return null;
  const qlib = /^(?:(.*)\/)?features\/[^/]+\/[^/]+\.day\.bin$/i.exec(path);
  if (qlib) return `qlib-bin|${qlib[1] ?? ''}`;
  const csv = /^(?:(.*)\/)?daily\/[^/]+\.csv(\.gz)?$/i.exec(path);
  if (csv) return `csv-daily|${csv[1] ?? ''}`;
  const loose = /^(?:(.*)\/)?[^/]+\.csv(\.gz)?$/i.exec(path);
  return loose ? `csv-files|${loose[1] ?? ''}` : null;
}

function bytesRef(data: Buffer): ByteRef {
  return { kind: 'bytes', data, gzip: false };
}
