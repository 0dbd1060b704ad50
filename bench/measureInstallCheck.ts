// Part of bench/stages: what the install check (is this a bundle with data, and how big is it) adds to the unzip
// stage, against the plain extraction measured in the same run.
import { spawnSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { createLineTally } from '../src/analysis/createLineTally';
import { describeBundleShrink } from '../src/analysis/describeBundleShrink';
import { inspectBundleTree } from '../src/analysis/inspectBundleTree';
import type { StageContext } from '../src/stages/stageContext';
import { extractArchive } from '../src/stages/unzip/extractArchive';

const quiet = (): StageContext => ({
  signal: new AbortController().signal,
  onProgress: () => undefined,
  log: () => undefined,
});

const seconds = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e9;

/**
 * Plain extraction and extraction with the line tally plus the inspection, interleaved round by round (the machine
 * is shared, so load drifts), best of each (writeback settled before each). Prints the added wall time and its upper bound, the tally's own time.
 */
export async function measureInstallCheck(archive: string, target: string): Promise<void> {
  let plainSeconds = Infinity;
  let best = { extract: Infinity, tally: 0, inspect: 0, reread: 0 };
  // Each extraction starts with the previous one's files deleted and written back, or the second of a pair would
  // pay for the first one's writeback.
  const settle = async (): Promise<void> => {
    await rm(target, { recursive: true, force: true });
    spawnSync('sync');
  };
  for (let round = 0; round < 5; round += 1) {
    await settle();
    let start = process.hrtime.bigint();
    await extractArchive(archive, target, undefined, quiet());
    plainSeconds = Math.min(plainSeconds, seconds(start));
    await settle();
    const tally = createLineTally();
    let tallySeconds = 0;
    const observe = (path: string) => {
      const sink = tally.observe(path);
      if (sink === null) return null;
      return (chunk: Buffer) => {
        const begin = process.hrtime.bigint();
        sink(chunk);
        tallySeconds += seconds(begin);
      };
    };
    start = process.hrtime.bigint();
    await extractArchive(archive, target, undefined, quiet(), observe);
    const extract = seconds(start);
    start = process.hrtime.bigint();
    const stats = await inspectBundleTree(target, { ...quiet(), tally });
    describeBundleShrink(stats, stats, { maxSymbolLossPercent: 10, maxRowLossPercent: 10 });
    const inspect = seconds(start);
    start = process.hrtime.bigint();
    await inspectBundleTree(target, quiet());
    const reread = seconds(start);
    if (extract + inspect < best.extract + best.inspect) best = { extract, tally: tallySeconds, inspect, reread };
  }
  await rm(target, { recursive: true, force: true });
  const percent = (value: number): string => `${((value / plainSeconds) * 100).toFixed(1)} %`;
  // Wall clock: the tally runs while the thread pool inflates and writes, so it hides partly; its own main-thread
  // time is the upper bound of what it can add.
  const added = Math.max(0, best.extract - plainSeconds) + best.inspect;
  console.log(
    `install check: extraction with the line tally ${best.extract.toFixed(2)} s (plain ${plainSeconds.toFixed(2)} s) + ` +
      `${best.inspect.toFixed(3)} s inspecting after it = ${percent(added)} of the plain extraction; ` +
      `upper bound ${percent(best.tally + best.inspect)} (${best.tally.toFixed(3)} s of line counting)  [target: a few %]`,
  );
  console.log(
    `  the same check reading the tree back instead (for an install recorded before sizes, once): ` +
      `${best.reread.toFixed(3)} s = ${percent(best.reread)}`,
  );
}
