/**
 * Load: autocannon (in its own process) with 50 connections for 10 s against `GET /api/market-data/tasks/{id}` and
 * the task list, with a valid token, on the app started as `npm start` starts it (a child process), first while
 * `download` tasks of a generated 5 M-row bundle run back to back, then idle. Beside each, the same load against a
 * plain node:http + better-sqlite3 (read-only) server reading the same rows from the same database file in the same
 * run. Prints requests/s, p99 latency, errors, and the ratio ours ÷ plain. Never fails on a number.
 *   npm run bench -- load       (node dist/bench/load.js [--symbols 2000] [--days 2500] [--seconds 10] [--rounds 1])
 */
import { cpus, loadavg, tmpdir } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { generateSecret, mintToken } from '../src/auth';
import { createBenchApi } from './support/benchApi';
import { benchBundle } from './support/benchBundle';
import { runAutocannon, type LoadResult } from './support/runAutocannon';
import { processCpuMs } from './support/processCpuMs';
import { startAppProcess, type AppProcess } from './support/startAppProcess';
import { startFileServer } from './support/startFileServer';
import { startPlainServer, type PlainServer } from './support/startPlainServer';
import { startTaskLoop, type TaskLoop } from './support/startTaskLoop';

const CONNECTIONS = 50;
const goals = { p99Ms: 50, ratio: 0.3 };

function argValue(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
}

interface Targets {
  readonly app: AppProcess;
  readonly plain: PlainServer;
  readonly headers: Record<string, string>;
}

interface Comparison {
  readonly route: string;
  readonly ours: LoadResult;
  readonly plain: LoadResult;
  readonly stages: string[];
  /** CPU per request of each server process, in µs; only meaningful idle (the app also runs the task). */
  readonly cpuPerRequest: { ours: number; plain: number };
}

/** Runs `load` and reports the CPU the process `pid` used per request meanwhile. */
async function measured(pid: number, load: () => Promise<LoadResult>): Promise<[LoadResult, number]> {
  const before = processCpuMs(pid);
  const result = await load();
  return [result, ((processCpuMs(pid) - before) * 1000) / Math.max(1, result.total)];
}

/** The app's URL and the plain server's URL for one of the two routes. */
function urlsFor(targets: Targets, route: 'task' | 'list', taskId: string): [string, string] {
  return route === 'task'
    ? [`${targets.app.url}/api/market-data/tasks/${taskId}`, `${targets.plain.url}/tasks/${taskId}`]
    : [`${targets.app.url}/api/market-data/tasks`, `${targets.plain.url}/tasks`];
}

async function compare(
  targets: Targets,
  route: 'task' | 'list',
  seconds: number,
  loop: TaskLoop | null,
  taskId: string,
): Promise<Comparison> {
  const [oursUrl, plainUrl] = urlsFor(targets, route, taskId);
  const since = Date.now();
  const options = { connections: CONNECTIONS, seconds, headers: targets.headers };
  const [ours, oursCpu] = await measured(targets.app.pid, () => runAutocannon(oursUrl, options));
  const [plain, plainCpu] = await measured(targets.plain.pid, () => runAutocannon(plainUrl, options));
  const label = route === 'task' ? 'GET /tasks/{id}' : 'GET /tasks (list)';
  return {
    route: label,
    ours,
    plain,
    stages: loop?.stagesSince(since) ?? [],
    cpuPerRequest: { ours: oursCpu, plain: plainCpu },
  };
}

function describe(result: LoadResult): string {
  return `${result.requestsPerSecond.toFixed(0).padStart(6)} req/s, p99 ${String(result.p99Ms).padStart(3)} ms, errors ${result.errors}`;
}

function report(title: string, rows: Comparison[]): void {
  console.log(title);
  for (const row of rows) {
    const ratio = row.ours.requestsPerSecond / row.plain.requestsPerSecond;
    const stages = row.stages.length > 0 ? `  (task stages meanwhile: ${row.stages.join(', ')})` : '';
    console.log(
      `  ${row.route.padEnd(18)} ours ${describe(row.ours)} | plain ${describe(row.plain)} | ratio ${ratio.toFixed(2)}×${stages}`,
    );
  }
}

async function main(): Promise<void> {
  const symbols = argValue('symbols', 2000);
  const days = argValue('days', 2500);
  const seconds = argValue('seconds', 10);
  const rounds = argValue('rounds', 1);
  const bundle = await benchBundle({ symbols, days, seed: 7 });
  console.log(
    `bundle: ${symbols} symbols × ${days} days (${((symbols * days) / 1e6).toFixed(1)} M rows), ` +
      `${bundle.generatedSeconds > 0 ? `generated in ${bundle.generatedSeconds.toFixed(0)} s` : 'reused from an earlier run'}`,
  );
  console.log(
    `machine: ${cpus().length} cores shared by autocannon (its own process), the app, the plain server and the ` +
      `task; load average ${loadavg()[0]!.toFixed(1)} at the start`,
  );
  const home = mkdtempSync(join(tmpdir(), 'bench-load-'));
  const server = await startFileServer(bundle.path);
  const secret = generateSecret();
  const app = await startAppProcess({ home, secret, bundleUrl: server.url });
  let plain: PlainServer | undefined;
  let loop: TaskLoop | undefined;
  try {
    const token = await mintToken({ secret, subject: 'bench', roles: ['MarketData.Write'], ttlSeconds: 3600 });
    const api = createBenchApi(app.url, token);
    loop = await startTaskLoop(api, app.dbPath);
    plain = await startPlainServer(app.dbPath);
    const targets: Targets = { app, plain, headers: { authorization: `Bearer ${token}` } };
    // Warm both servers' code paths (JIT, statement caches) before anything is measured.
    for (const route of ['task', 'list'] as const) {
      for (const url of urlsFor(targets, route, loop.currentTaskId())) {
        await runAutocannon(url, { connections: 10, seconds: 2, headers: targets.headers });
      }
    }
    const busy: Comparison[] = [];
    for (let round = 0; round < rounds; round++) {
      for (const route of ['task', 'list'] as const) {
        busy.push(await compare(targets, route, seconds, loop, loop.currentTaskId()));
      }
    }
    const outcome = await loop.stop();
    const idle: Comparison[] = [];
    const lastTask = loop.currentTaskId();
    loop = undefined;
    for (let round = 0; round < rounds; round++) {
      for (const route of ['task', 'list'] as const) idle.push(await compare(targets, route, seconds, null, lastTask));
    }
    const taskCount = Object.values(outcome.ended).reduce((sum, count) => sum + count, 0);
    report(
      `while download tasks run back to back (${taskCount} tasks, ended: ${JSON.stringify(outcome.ended)}); ` +
        `${CONNECTIONS} connections × ${seconds} s; the task read is the one running when the window began:`,
      busy,
    );
    report('idle (no task running):', idle);
    for (const row of idle) {
      console.log(
        `  CPU per request, idle, ${row.route}: ours ${row.cpuPerRequest.ours.toFixed(0)} µs, ` +
          `plain ${row.cpuPerRequest.plain.toFixed(0)} µs (less sensitive to the machine's other load than req/s)`,
      );
    }
    for (const failure of outcome.failures) console.log(`  task did not succeed: ${failure}`);
    const worstBusy = busy.map((row) => row.ours);
    console.log(
      `goals while a task runs: errors ${worstBusy.reduce((sum, r) => sum + r.errors, 0)} [0], ` +
        `p99 ≤ ${Math.max(...worstBusy.map((r) => r.p99Ms))} ms [< ${goals.p99Ms}], ` +
        `ratio ≥ ${Math.min(...busy.map((r) => r.ours.requestsPerSecond / r.plain.requestsPerSecond)).toFixed(2)}× ` +
        `[≥ ${goals.ratio}], every task success: ${outcome.failures.length === 0 ? 'yes' : 'no'}`,
    );
    console.log(`load average at the end: ${loadavg()[0]!.toFixed(1)}`);
  } finally {
    await loop?.stop().catch(() => undefined);
    await plain?.stop();
    await app.stop();
    await server.stop();
    rmSync(home, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
