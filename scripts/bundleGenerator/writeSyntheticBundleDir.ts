import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { BundleSummary } from '../../src/analysis/metricNames';
import { generateSyntheticBundle, type SyntheticBundleOptions } from './generateSyntheticBundle';

/** Writes a synthetic bundle as a plain directory (tests, benchmarks) and returns its expected summary. */
export async function writeSyntheticBundleDir(dir: string, options: SyntheticBundleOptions): Promise<BundleSummary> {
  await mkdir(join(dir, 'daily'), { recursive: true });
  return generateSyntheticBundle(options, async (name, data) => {
    const path = join(dir, name);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, data);
  });
}
