// Part of bench/stages: what the install check (is this a bundle with data, and how big is it) adds to the unzip
// stage, against the plain extraction measured in the same run.
import { spawnSync } from 'node:child_process';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
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
 * The check's own work, best of several rounds (the machine is shared, and a preempted round says nothing about the
 * code): the line tally over every CSV member's bytes (during an install it sees them as they are extracted) plus the
 * inspection after the extraction; both against the plain extraction. Also the wall time of an extraction with the
 * tally, for what it is worth under load, and the cost of the same check reading the tree back.
 */
export async function measureInstallCheck(archive: string, target: string): Promise<void> {
  // Each extraction starts with the previous one's files deleted and written back, or it would pay for that writeback.
  const settle = async (): Promise<void> => {
    await rm(target, { recursive: true, force: true });
    spawnSync('sync');
  };
  const best = { plain: Infinity, tallied: Infinity, inspect: Infinity, tally: Infinity, reread: Infinity };
  for (let round = 0; round < 5; round += 1) {
    await settle();
    let start = process.hrtime.bigint();
    await extractArchive(archive, target, undefined, quiet());
    best.plain = Math.min(best.plain, seconds(start));
    await settle();
    const tally = createLineTally();
    start = process.hrtime.bigint();
    await extractArchive(archive, target, undefined, quiet(), tally.observe);
    best.tallied = Math.min(best.tallied, seconds(start));
    start = process.hrtime.bigint();
    const stats = await inspectBundleTree(target, { ...quiet(), tally });
    describeBundleShrink(stats, stats, { maxSymbolLossPercent: 10, maxRowLossPercent: 10 });
    best.inspect = Math.min(best.inspect, seconds(start));
    start = process.hrtime.bigint();
    await inspectBundleTree(target, quiet());
    best.reread = Math.min(best.reread, seconds(start));
    best.tally = Math.min(best.tally, await timeTally(target));
  }
  await rm(target, { recursive: true, force: true });
  const percent = (value: number): string => `${((value / best.plain) * 100).toFixed(1)} %`;
  const check = best.tally + best.inspect;
  console.log(
    `install check: ${best.tally.toFixed(3)} s tallying lines + ${best.inspect.toFixed(3)} s inspecting = ` +
      `${percent(check)} of the plain extraction (${best.plain.toFixed(2)} s)  [target: a few %]`,
  );
  console.log(
    `  extraction with the tally ${best.tallied.toFixed(2)} s wall clock; the check reading the tree back instead ` +
      `(an install recorded before sizes, once) ${best.reread.toFixed(3)} s = ${percent(best.reread)}`,
  );
}

/** Time spent in the tally itself over every CSV member, one file in memory at a time (reads not timed). */
async function timeTally(dir: string): Promise<number> {
  const tally = createLineTally();
  let total = 0;
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    const sink = tally.observe(path);
    if (sink === null) continue;
    const bytes = await readFile(path);
    const start = process.hrtime.bigint();
    sink(bytes);
    total += seconds(start);
  }
  return total;
}
