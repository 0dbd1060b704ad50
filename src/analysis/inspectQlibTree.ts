import { open, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError, ErrorCode } from '../errors';
import type { StageLog } from '../stages/progress';
import { throwIfCancelled } from '../stages/stageContext';
import { runPool } from '../stages/unzip/runPool';
import { formatCount, type BundleStats } from './bundleStats';
import { formatDayNumber } from './dayNumbers';
import { readQlibCalendar } from './readSideFiles';

// qlib's binary layout: calendars/day.txt (one date a line) and features/<symbol>/<field>.day.bin, a little-endian
// float32 array whose element 0 is the calendar index of the first value (so a file is 4·(1+n) bytes).
const FIELD_FILE = /\.day\.bin$/i;
const REFERENCE_FIELD = 'close.day.bin';
const EXPECTED =
  'expected features/<symbol>/<field>.day.bin files holding a start index into calendars/day.txt and at least one value';

interface SymbolExtent {
  readonly name: string;
  /** 'empty': no field file or no values; 'bad': a start index or length the calendar cannot hold. */
  readonly state: 'ok' | 'empty' | 'bad';
  readonly values: number;
  readonly lastIndex: number;
}

/**
 * Checks a qlib binary tree the cheap way (the calendar parses; each symbol's reference field has values and a start
 * index inside the calendar; only 4 bytes and the size of one file per symbol are read) and measures it. Throws
 * BUNDLE_INVALID naming what was found when the tree holds no usable data.
 */
export async function inspectQlibTree(root: string, signal: AbortSignal, log: StageLog): Promise<BundleStats> {
  const calendar = await readDayCalendar(root);
  const featuresDir = join(root, 'features');
  const symbolDirs = (await readdir(featuresDir, { withFileTypes: true })).filter((entry) => entry.isDirectory());
  if (symbolDirs.length === 0) {
    throw invalid(`The bundle is a qlib binary tree, but features/ holds no symbol folders; ${EXPECTED}.`);
  }
  const extents: SymbolExtent[] = [];
  await runPool(
    symbolDirs,
    16,
    async (dir) => {
      extents.push(await measureSymbol(join(featuresDir, dir.name), dir.name, calendar.length));
    },
    () => throwIfCancelled(signal, 'The bundle check'),
  );
  const usable = extents.filter((extent) => extent.state === 'ok');
  const bad = extents.filter((extent) => extent.state === 'bad');
  if (usable.length === 0 || bad.length * 2 > extents.length) {
    const empty = extents.length - usable.length - bad.length;
    const examples =
      bad.length > 0
        ? ` (for example ${bad
            .slice(0, 3)
            .map((extent) => extent.name)
            .join(', ')})`
        : '';
    throw invalid(
      `The bundle is a qlib binary tree, but ${formatCount(usable.length)} of ${formatCount(extents.length)} ` +
        `symbol folders in features/ hold usable data: ${formatCount(empty)} empty, ${formatCount(bad.length)} with ` +
        `a start index or length outside the ${formatCount(calendar.length)}-day calendar${examples}; ${EXPECTED}.`,
    );
  }
  if (bad.length > 0) {
    log('WARNING', `${bad.length} qlib symbol folder(s) have a start index or length outside the calendar.`);
  }
  const lastIndex = usable.reduce((last, extent) => Math.max(last, extent.lastIndex), -1);
  return {
    layout: 'qlib-bin',
    symbols: usable.length,
    rows: usable.reduce((sum, extent) => sum + extent.values, 0),
    lastDate: lastIndex >= 0 ? formatDayNumber(calendar[lastIndex]!) : null,
  };
}

async function readDayCalendar(root: string): Promise<Int32Array> {
  const entries = await readdir(join(root, 'calendars'));
  const name = entries.find((entry) => entry.toLowerCase() === 'day.txt');
  if (name === undefined) {
    throw invalid(
      `The bundle looks like a qlib binary tree but calendars/ has no day.txt (found ${entries.slice(0, 5).join(', ') || 'nothing'}); expected calendars/day.txt with one YYYY-MM-DD date per line.`,
    );
  }
  return readQlibCalendar(await readFile(join(root, 'calendars', name)));
}

async function measureSymbol(dir: string, name: string, calendarDays: number): Promise<SymbolExtent> {
  const fields = (await readdir(dir)).filter((file) => FIELD_FILE.test(file)).sort();
  const field = fields.find((file) => file.toLowerCase() === REFERENCE_FIELD) ?? fields[0];
  if (field === undefined) return { name, state: 'empty', values: 0, lastIndex: -1 };
  const handle = await open(join(dir, field), 'r');
  try {
    const { size } = await handle.stat();
    const values = Math.floor(size / 4) - 1;
    if (values <= 0) return { name, state: size % 4 === 0 ? 'empty' : 'bad', values: 0, lastIndex: -1 };
    const head = Buffer.alloc(4);
    await handle.read(head, 0, 4, 0);
    const first = head.readFloatLE(0);
    const fits = size % 4 === 0 && Number.isInteger(first) && first >= 0 && first + values <= calendarDays;
    return fits
      ? { name, state: 'ok', values, lastIndex: first + values - 1 }
      : { name, state: 'bad', values: 0, lastIndex: -1 };
  } finally {
    await handle.close();
  }
}

function invalid(message: string): AppError {
  return new AppError(ErrorCode.BundleInvalid, message);
}
