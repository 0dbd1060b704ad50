import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseIsoDay } from '../../src/analysis/dayNumbers';
import type { BundleFormat } from '../../src/analysis/metricNames';
import { createTarGzWriter } from '../bundleGenerator/createTarGzWriter';
import {
  isDefectFamily,
  QLIB_EXPRESSIBLE_FAMILIES,
  type DefectFamily,
  type DefectPreset,
} from '../bundleGenerator/defectFamilies';
import {
  generateSyntheticBundle,
  MAX_SYNTHETIC_SYMBOLS,
  type BundleFileSink,
} from '../bundleGenerator/generateSyntheticBundle';
import { createZipWriter } from '../zip/createZipWriter';
import { parseCount, UsageError } from './usageError';

const MAX_DAYS = 20_000;
const ARCHIVE = /\.(zip|tar\.gz|tgz)$/i;

/**
 * `make-bundle`: writes the bundle as a .zip, a .tar.gz or a directory (any other --out), and
 * `<out without extension>.expected.json` next to it.
 */
export async function runMakeBundleCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      symbols: { type: 'string' },
      days: { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string' },
      defects: { type: 'string' },
      start: { type: 'string' },
      format: { type: 'string' },
      'no-calendar': { type: 'boolean' },
    },
    allowPositionals: true,
  });
  if (positionals.length > 0) throw new UsageError(`Unexpected argument "${positionals[0]}".`);
  const symbols = parseCount('symbols', values.symbols, MAX_SYNTHETIC_SYMBOLS);
  const days = parseCount('days', values.days, MAX_DAYS);
  const seed = parseCount('seed', values.seed, 2 ** 31 - 1, 0);
  if (!values.out) throw new UsageError('--out <file.zip | file.tar.gz | directory> is required.');
  if (values.start !== undefined && parseIsoDay(values.start) < 0) {
    throw new UsageError(`--start must be a date YYYY-MM-DD (got "${values.start}").`);
  }
  const format = parseFormat(values.format ?? 'csv-daily');
  if (format === 'qlib-bin' && values['no-calendar']) throw new UsageError('--no-calendar is for csv-daily only.');
  const defects = parseDefects(values.defects ?? 'default', format);
  const out = values.out;
  const expectedPath = `${out.replace(/\/+$/, '').replace(ARCHIVE, '')}.expected.json`;

  const writer = openWriter(out);
  let closed = false;
  try {
    const expected = await generateSyntheticBundle(
      { symbols, days, seed, start: values.start, defects, format, calendarFile: !values['no-calendar'] },
      writer.sink,
    );
    await writer.close();
    closed = true;
    await writeFile(expectedPath, `${JSON.stringify(expected, null, 2)}\n`);
    process.stdout.write(`Wrote ${out} (${format}, ${symbols} symbols x ${days} days) and ${expectedPath}\n`);
  } catch (error) {
    if (!closed) await writer.close().catch(() => undefined);
    await rm(out, { force: true, recursive: true });
    throw error;
  }
}

function openWriter(out: string): { sink: BundleFileSink; close(): Promise<void> } {
  if (/\.zip$/i.test(out)) {
    const zip = createZipWriter(out);
    return { sink: (name, data) => zip.addFile(name, data), close: () => zip.close() };
  }
  if (ARCHIVE.test(out)) {
    const tar = createTarGzWriter(out);
    return { sink: (name, data) => tar.addFile(name, data), close: () => tar.close() };
  }
  return {
    sink: async (name, data) => {
      await mkdir(dirname(join(out, name)), { recursive: true });
      await writeFile(join(out, name), data);
    },
    close: () => Promise.resolve(),
  };
}

function parseFormat(text: string): BundleFormat {
  if (text === 'csv-daily' || text === 'qlib-bin') return text;
  throw new UsageError(`--format must be csv-daily or qlib-bin (got "${text}").`);
}

function parseDefects(text: string, format: BundleFormat): DefectPreset | DefectFamily[] {
  // For qlib binary, `default` means every default family that format can express.
  if (text === 'default' || text === 'none') return text;
  const names = text.split(',').map((name) => name.trim());
  const unknown = names.filter((name) => !isDefectFamily(name));
  if (unknown.length > 0 || names.length === 0) {
    throw new UsageError(`--defects must be default, none or a list of recipes; unknown: ${unknown.join(', ')}`);
  }
  const families = names.filter(isDefectFamily);
  const inexpressible = families.filter((family) => !QLIB_EXPRESSIBLE_FAMILIES.includes(family));
  if (format === 'qlib-bin' && inexpressible.length > 0) {
    throw new UsageError(`qlib binary cannot express these recipes: ${inexpressible.join(', ')}`);
  }
  return families;
}
