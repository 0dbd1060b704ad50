import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSyntheticBundle } from '../../scripts/bundleGenerator/generateSyntheticBundle';
import { createZipWriter } from '../../scripts/zip/createZipWriter';

export interface BenchBundleOptions {
  readonly symbols: number;
  readonly days: number;
  readonly seed: number;
}

// Generating 5 M rows takes a minute on a busy 2-core machine, so the archive is kept in the temp directory between
// runs, keyed by the options and by the compiled generator itself (a changed generator makes a new archive).
function generatorFingerprint(): string {
  const dir = join(__dirname, '..', '..', 'scripts', 'bundleGenerator');
  const hash = createHash('sha256');
  for (const name of readdirSync(dir).sort()) if (name.endsWith('.js')) hash.update(readFileSync(join(dir, name)));
  return hash.digest('hex').slice(0, 12);
}

/**
 * A generated csv-daily zip (daily files, calendar.csv, instruments.csv, manifest.json) of `symbols` × `days` rows;
 * reused from an earlier run when one with the same options and generator exists. Returns its path.
 */
export async function benchBundle(options: BenchBundleOptions): Promise<{ path: string; generatedSeconds: number }> {
  const name = `market-data-bench-${options.symbols}x${options.days}-s${options.seed}-${generatorFingerprint()}.zip`;
  const file = join(tmpdir(), name);
  if (existsSync(file)) return { path: file, generatedSeconds: 0 };
  const started = process.hrtime.bigint();
  const partial = `${file}.${process.pid}.tmp`;
  const zip = createZipWriter(partial);
  await generateSyntheticBundle(options, (entry, data) => zip.addFile(entry, data));
  await zip.close();
  renameSync(partial, file);
  return { path: file, generatedSeconds: Number(process.hrtime.bigint() - started) / 1e9 };
}
