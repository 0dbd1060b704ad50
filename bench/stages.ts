/**
 * Benchmark of the download and unzip stages against curl and the unzip command, on a generated bundle of
 * 2,000 daily CSV files × 2,500 rows (5 M rows), and of the install check against the plain extraction. Run: `npx tsc -p tsconfig.build.json && node dist/bench/stages.js`
 * (optional arguments: symbols days). Prints throughput ratios (ours ÷ baseline) and our peak RSS; never fails.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { downloadBundle } from '../src/stages/download/downloadBundle';
import type { StageContext } from '../src/stages/stageContext';
import { extractArchive } from '../src/stages/unzip/extractArchive';
import { createZipWriter } from '../scripts/zip/createZipWriter';
import { freshDirs } from './benchCommands';
import { measureInstallCheck } from './measureInstallCheck';

const symbols = Number(process.argv[2] ?? 2000);
const days = Number(process.argv[3] ?? 2500);

const quietContext = (): StageContext => ({
  signal: new AbortController().signal,
  onProgress: () => undefined,
  log: () => undefined,
});

/** Deterministic rows resembling a daily bar file (date,open,high,low,close,volume,amount,adj_factor). */
function makeCsv(symbol: number): string {
  let seed = (symbol * 2654435761) >>> 0 || 1;
  const random = (): number => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
  let close = 5 + random() * 50;
  const day = new Date(Date.UTC(2005, 0, 4));
  const lines = ['date,open,high,low,close,volume,amount,adj_factor'];
  for (let row = 0; row < days; row += 1) {
    const open = close * (1 + (random() - 0.5) * 0.02);
    close = Math.max(0.5, open * (1 + (random() - 0.5) * 0.04));
    const high = Math.max(open, close) * (1 + random() * 0.01);
    const low = Math.min(open, close) * (1 - random() * 0.01);
    const volume = Math.floor(1e5 + random() * 1e7);
    lines.push(
      `${day.toISOString().slice(0, 10)},${open.toFixed(2)},${high.toFixed(2)},${low.toFixed(2)},${close.toFixed(2)},` +
        `${volume},${(volume * close).toFixed(2)},1.0`,
    );
    day.setUTCDate(day.getUTCDate() + (day.getUTCDay() === 5 ? 3 : 1));
  }
  return `${lines.join('\n')}\n`;
}

async function generateBundle(path: string): Promise<void> {
  const writer = createZipWriter(path);
  const pending: Promise<void>[] = [];
  for (let symbol = 0; symbol < symbols; symbol += 1) {
    pending.push(writer.addFile(`daily/${String(600000 + symbol)}.SH.csv`, makeCsv(symbol)));
    if (pending.length >= 8) await pending.shift();
  }
  await Promise.all(pending);
  await writer.close();
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await run();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

function runCommand(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'ignore' });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} exited with ${code}`))));
  });
}

/** A static server in a child process, so serving does not share our event loop with the download. */
async function startServer(file: string): Promise<{ url: string; child: ChildProcess }> {
  const script = `
    const http = require('node:http'); const fs = require('node:fs');
    const size = fs.statSync(process.argv[1]).size;
    const server = http.createServer((req, res) => {
      if (req.url !== '/bundle.zip') { res.writeHead(404).end(); return; }
      res.writeHead(200, { 'Content-Length': size, ETag: '"bench"' });
      fs.createReadStream(process.argv[1], { highWaterMark: 1 << 20 }).pipe(res);
    });
    server.listen(0, '127.0.0.1', () => process.stdout.write(String(server.address().port) + '\\n'));`;
  const child = spawn(process.execPath, ['-e', script, file], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve) =>
    child.stdout?.once('data', (data: Buffer) => resolve(data.toString().trim())),
  );
  return { url: `http://127.0.0.1:${port}/bundle.zip`, child };
}

async function best(rounds: number, prepare: () => Promise<void>, run: () => Promise<unknown>): Promise<number> {
  let fastest = Infinity;
  for (let round = 0; round < rounds; round += 1) {
    await prepare();
    fastest = Math.min(fastest, await timed(run));
  }
  return fastest;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-stages-'));
  try {
    const archive = join(dir, 'bundle.zip');
    const generateSeconds = await timed(() => generateBundle(archive));
    const archiveBytes = (await stat(archive)).size;
    const rows = symbols * days;
    console.log(
      `bundle: ${symbols} files × ${days} rows = ${rows} rows, ${(archiveBytes / 1e6).toFixed(1)} MB zip (${generateSeconds.toFixed(1)} s to write)`,
    );

    // Download first: measured before extraction has churned the heap with thousands of file writes.
    const server = await startServer(archive);
    try {
      const downloads = join(dir, 'downloads');
      const curlTarget = join(dir, 'curl.zip');
      const oursDownload = await best(
        3,
        () => rm(downloads, { recursive: true, force: true }),
        () => downloadBundle({ url: server.url, downloadsDir: downloads, checksumSidecar: 'off' }, quietContext()),
      );
      const curlDownload = await best(
        3,
        () => rm(curlTarget, { force: true }),
        () => runCommand('curl', ['-s', '-o', curlTarget, server.url]),
      );
      const size = archiveBytes / 1e6;
      console.log(
        `download: ours ${oursDownload.toFixed(2)} s (${(size / oursDownload).toFixed(0)} MB/s, with SHA-256), curl ${curlDownload.toFixed(2)} s (${(size / curlDownload).toFixed(0)} MB/s)`,
      );
      console.log(
        `download ratio (ours ÷ curl throughput): ${(curlDownload / oursDownload).toFixed(2)}×  [target ≥ 0.5]`,
      );
    } finally {
      server.child.kill();
    }
    // Each round extracts into a directory of its own, ours and unzip in turn, and all stay until the end: deleting
    // one round's 2,000 files just before the next round would time ext4's scan past the freed inodes (see freshDirs).
    const extractions = await mkdtemp(join(dir, 'extracted-'));
    const fresh = freshDirs(extractions, 'round-');
    let extracted = 0;
    let oursSeconds = Infinity;
    let unzipSeconds = Infinity;
    for (let round = 0; round < 3; round += 1) {
      const ours = join(fresh(), 'bundle');
      oursSeconds = Math.min(
        oursSeconds,
        await timed(async () => {
          extracted = (await extractArchive(archive, ours, undefined, quietContext())).bytes;
        }),
      );
      const theirs = fresh();
      unzipSeconds = Math.min(unzipSeconds, await timed(() => runCommand('unzip', ['-q', archive, '-d', theirs])));
    }
    const mb = extracted / 1e6;
    console.log(
      `extract: ours ${oursSeconds.toFixed(2)} s (${(mb / oursSeconds).toFixed(0)} MB/s), unzip -q ${unzipSeconds.toFixed(2)} s (${(mb / unzipSeconds).toFixed(0)} MB/s)`,
    );
    console.log(`extract ratio (ours ÷ unzip throughput): ${(unzipSeconds / oursSeconds).toFixed(2)}×  [target ≥ 1.0]`);
    await rm(extractions, { recursive: true, force: true });
    await measureInstallCheck(archive, join(dir, 'install-check'));

    const rssMb = process.resourceUsage().maxRSS / 1024;
    console.log(`peak RSS: ${rssMb.toFixed(0)} MB  [target < 300]`);
    console.log(`unzip version: ${spawnSync('unzip', ['-v']).stdout.toString().split('\n')[0] ?? '?'}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
