// Benchmark of the devhost: one instance running 100 sequential no-op activities, one fan-out of 1,000 (compared
// with published Durable Functions figures), and the CLI's start-up time for a small app.
// Run: npm run build && node dist/bench/devhost.js
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { createDurableEngine } from '../devhost/durable/createDurableEngine';
import { resolveAppLibraryDir } from '../devhost/core/loadFunctionsLibrary';
import { loadFunctionApp } from '../devhost/loadFunctionApp';

// Published figures (Durable Functions performance docs): Azure Storage provider ~5 sequential activities/s per
// instance and ~100 activities/s fan-out; Netherite ~850 activity calls/s on a 2-core node.
const published = { storageSequential: 5, storageFanOut: 100, netherite: 850 };
const targets = { sequential: 200, fanOut: 1000, startupMs: 1000 };

// Compiled to dist/bench/, so the CLI and the fixture sit at fixed places relative to this file.
const cliPath = resolve(__dirname, '..', 'devhost', 'cli.js');
const smallApp = resolve(__dirname, '..', '..', 'test', 'devhost', 'fixtures', 'durable-app');

/** Milliseconds from spawning `node <args>` until `readyLine` appears on stdout (or the process exits); then stops it. */
function timeUntilReady(args: string[], readyLine: string | undefined): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const begin = performance.now();
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let elapsed: number | undefined;
    let seen = '';
    child.stdout.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (elapsed === undefined && readyLine !== undefined && seen.includes(readyLine)) {
        elapsed = performance.now() - begin;
        child.kill('SIGTERM');
      }
    });
    child.on('error', reject);
    child.on('exit', () => {
      if (readyLine === undefined) elapsed = performance.now() - begin;
      if (elapsed === undefined) reject(new Error(`exited before printing "${readyLine}":\n${seen}`));
      else resolvePromise(elapsed);
    });
  });
}

async function medianOf(runs: number, measure: () => Promise<number>): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) samples.push(await measure());
  samples.sort((a, b) => a - b);
  return samples[Math.floor(runs / 2)] ?? Number.NaN;
}

// Each run gets a fresh data directory, so the durable store is created from scratch as on a first start.
async function measureCliStartup(): Promise<{ cliMs: number; bareNodeMs: number }> {
  const bareNodeMs = await medianOf(5, () => timeUntilReady(['-e', ''], undefined));
  const cliMs = await medianOf(5, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'devhost-bench-startup-'));
    try {
      return await timeUntilReady(
        [cliPath, '--app', smallApp, '--port', '0', '--data', dataDir],
        'Host started on http://127.0.0.1:',
      );
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
  return { cliMs, bareNodeMs };
}

// The app's functions, registered through the devhost's @azure/functions-core shim and run by its invoker.
function registerFunctions(): void {
  df.app.activity('noop', { handler: (n: number) => n });
  df.app.orchestration('sequential', function* (context) {
    const count = context.df.getInput<number>();
    for (let i = 0; i < count; i++) yield context.df.callActivity('noop', i);
    return count;
  });
  df.app.orchestration('fanOut', function* (context) {
    const count = context.df.getInput<number>();
    const tasks = Array.from({ length: count }, (_, i) => context.df.callActivity('noop', i));
    const results = (yield context.df.Task.all(tasks)) as number[];
    return results.length;
  });
}

async function main(): Promise<void> {
  let origin = '';
  let clientInput = (_origin: string): Record<string, unknown> => {
    throw new Error('The durable engine is not running yet.');
  };
  const app = await loadFunctionApp({
    register: registerFunctions,
    appLibraryDir: () => resolveAppLibraryDir(resolve(__dirname, '..', '..')),
    env: process.env,
    routePrefix: 'api',
    log: () => undefined,
    durableClientInput: (callerOrigin) => clientInput(callerOrigin),
  });
  const invoker = app.durableInvoker(() => origin);

  const dataDir = mkdtempSync(join(tmpdir(), 'devhost-bench-'));
  const startupBegin = performance.now();
  const engine = createDurableEngine({
    dataDir,
    hubName: 'BenchHub',
    maxConcurrentActivityFunctions: 20,
    maxConcurrentOrchestratorFunctions: 20,
    overridableExistingInstanceStates: 'NonRunningStates',
    invoker,
    log: () => undefined,
  });
  clientInput = (callerOrigin) => engine.clientInputData(callerOrigin);
  await engine.start();
  const startupMs = performance.now() - startupBegin;

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`);
    void engine.handleHttp(req, res, url);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  origin = `http://127.0.0.1:${port}`;
  process.env.WEBSITE_HOSTNAME = `127.0.0.1:${port}`;
  const clientContext = new InvocationContext({
    functionName: 'bench',
    invocationId: randomUUID(),
    logHandler: () => undefined,
    options: {
      trigger: { type: 'httpTrigger', name: 'req' },
      extraInputs: [{ type: 'durableClient', name: 'c' }],
      extraOutputs: [],
    },
  });
  clientContext.extraInputs.set('c', engine.clientInputData(`http://127.0.0.1:${port}`));
  const client = df.getClient(clientContext);

  const run = async (name: string, count: number): Promise<number> => {
    const begin = performance.now();
    const id = await client.startNew(name, { input: count });
    for (;;) {
      const status = await client.getStatus(id);
      if (status.runtimeStatus === df.OrchestrationRuntimeStatus.Completed) break;
      if (status.runtimeStatus === df.OrchestrationRuntimeStatus.Failed)
        throw new Error(`${name} failed: ${String(status.output)}`);
      // Polling through the real client costs CPU on the same event loop; 25 ms keeps it small.
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    return (count / (performance.now() - begin)) * 1000;
  };

  // Baseline in this run: the same no-op activity called directly, no engine.
  const directBegin = performance.now();
  for (let i = 0; i < 1000; i++) await invoker.invokeActivity('noop', i, 'direct');
  const directRate = (1000 / (performance.now() - directBegin)) * 1000;

  await run('sequential', 10); // warm-up
  const sequential = await run('sequential', 100);
  const fanOut = await run('fanOut', 1000);
  const startup = await measureCliStartup();

  const fmt = (n: number) => n.toFixed(0).padStart(8);
  const ratio = (a: number, b: number) => `${(a / b).toFixed(1)}x`.padStart(8);
  console.log(`engine start-up (open store, resume): ${startupMs.toFixed(1)} ms`);
  console.log(
    `devhost CLI start-up, small app, median of 5: ${startup.cliMs.toFixed(0)} ms (bare node start-up ${startup.bareNodeMs.toFixed(0)} ms, ${ratio(startup.cliMs, startup.bareNodeMs).trim()})   target < ${targets.startupMs} ms ${startup.cliMs < targets.startupMs ? 'met' : 'MISSED'}`,
  );
  console.log(`direct no-op activity calls (baseline, no engine): ${fmt(directRate)} /s`);
  console.log('scenario              activities/s   vs Storage   vs Netherite   target');
  console.log(
    `100 sequential          ${fmt(sequential)}     ${ratio(sequential, published.storageSequential)}     ${ratio(sequential, published.netherite)}   >= ${targets.sequential} ${sequential >= targets.sequential ? 'met' : 'MISSED'}`,
  );
  console.log(
    `fan-out of 1,000        ${fmt(fanOut)}     ${ratio(fanOut, published.storageFanOut)}     ${ratio(fanOut, published.netherite)}   >= ${targets.fanOut} ${fanOut >= targets.fanOut ? 'met' : 'MISSED'}`,
  );

  await engine.stop(1000);
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(dataDir, { recursive: true, force: true });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
