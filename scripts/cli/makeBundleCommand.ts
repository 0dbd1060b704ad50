import { rm, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { parseIsoDay } from '../../src/analysis/dayNumbers';
import { createZipWriter } from '../zip/createZipWriter';
import { isDefectFamily, type DefectFamily, type DefectPreset } from '../bundleGenerator/defectFamilies';
import { generateSyntheticBundle, MAX_SYNTHETIC_SYMBOLS } from '../bundleGenerator/generateSyntheticBundle';
import { parseCount, UsageError } from './usageError';

const MAX_DAYS = 20_000;

/** `make-bundle`: writes the zip and `<file>.expected.json` (the zip name without `.zip`). */
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
    },
    allowPositionals: true,
  });
  if (positionals.length > 0) throw new UsageError(`Unexpected argument "${positionals[0]}".`);
  const symbols = parseCount('symbols', values.symbols, MAX_SYNTHETIC_SYMBOLS);
  const days = parseCount('days', values.days, MAX_DAYS);
  const seed = parseCount('seed', values.seed, 2 ** 31 - 1, 0);
  if (!values.out) throw new UsageError('--out <file.zip> is required.');
  if (values.start !== undefined && parseIsoDay(values.start) < 0) {
    throw new UsageError(`--start must be a date YYYY-MM-DD (got "${values.start}").`);
  }
  const defects = parseDefects(values.defects ?? 'default');
  const out = values.out;
  const expectedPath = `${out.replace(/\.zip$/i, '')}.expected.json`;

  const zip = createZipWriter(out);
  let closed = false;
  try {
    const expected = await generateSyntheticBundle(
      { symbols, days, seed, start: values.start, defects },
      (name, data) => zip.addFile(name, data),
    );
    await zip.close();
    closed = true;
    await writeFile(expectedPath, `${JSON.stringify(expected, null, 2)}\n`);
    process.stdout.write(`Wrote ${out} (${symbols} symbols x ${days} days) and ${expectedPath}\n`);
  } catch (error) {
    if (!closed) await zip.close().catch(() => undefined);
    await rm(out, { force: true });
    throw error;
  }
}

function parseDefects(text: string): DefectPreset | DefectFamily[] {
  if (text === 'default' || text === 'none') return text;
  const names = text.split(',').map((name) => name.trim());
  const unknown = names.filter((name) => !isDefectFamily(name));
  if (unknown.length > 0 || names.length === 0) {
    throw new UsageError(`--defects must be default, none or a list of recipes; unknown: ${unknown.join(', ')}`);
  }
  return names.filter(isDefectFamily);
}
