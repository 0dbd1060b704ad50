import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { pollUntil, startAppHost, type AppHost } from '../appHost';
import { createApiClient, makeBundle, TEST_SECRET, tokenFor } from '../apiClient';
import { median, readProcessStats, type ProcessStats } from './processStats';
import { startEventStreamClient, startPollingClients, type WatchedTask } from './soakClients';
import { databasePaths } from './taskDbProbe';

const TASKS = '/api/market-data/tasks';
// 300 in CI; SOAK_TASKS=3000 for a longer run (at least 150: a warm-up and two windows that do not overlap).
const TASK_COUNT = readTaskCount(process.env.SOAK_TASKS);

function readTaskCount(text: string | undefined): number {
  if (text === undefined || text.trim() === '') return 300;
  const count = Number(text);
  if (!Number.isSafeInteger(count) || count < 150) throw new Error('SOAK_TASKS must be a whole number of at least 150');
  return count;
}
/** Tasks run before the first window, so start-up allocations and JIT warm-up do not count as growth. */
const WARM_UP = 40;
/** Tasks per measurement window: the first after the warm-up, and the last. */
const WINDOW = 50;
const MAX_GROWTH = 1.25;
const SYMBOLS = 20;

const GC_ON_SIGNAL = path.join(__dirname, 'fixtures', 'collectGarbageOnSignal.js');

/**
 * The host's memory and descriptors once a full garbage collection has run (the host is started with the
 * fixture that collects on SIGUSR2): the lowest of three readings, so what is measured is what the process keeps,
 * not how far its heap had grown since its last collection.
 */
function settledStats(host: AppHost): () => Promise<ProcessStats> {
  return async () => {
    const readings: ProcessStats[] = [];
    for (let i = 0; i < 3; i += 1) {
      host.child.kill('SIGUSR2');
      await sleep(300);
      readings.push(readProcessStats(host.child.pid!));
    }
    return {
      rssBytes: Math.min(...readings.map((r) => r.rssBytes)),
      openFds: Math.min(...readings.map((r) => r.openFds)),
    };
  };
}

/** Row counts of every table of a SQLite file. */
function countRows(file: string): Record<string, number> {
  const db = new Database(file, { readonly: true });
  try {
    const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`).all();
    return Object.fromEntries(
      (tables as { name: string }[]).map(({ name }) => [
        name,
        (db.prepare(`SELECT COUNT(*) AS n FROM "${name}"`).get() as { n: number }).n,
      ]),
    );
  } finally {
    db.close();
  }
}

/** Medians over the first and the last window of per-task samples. */
function windows<T extends { task: number }>(samples: readonly T[], value: (sample: T) => number) {
  const first = samples.filter((s) => s.task >= WARM_UP && s.task < WARM_UP + WINDOW).map(value);
  const last = samples.filter((s) => s.task >= TASK_COUNT - WINDOW).map(value);
  return { first: median(first), last: median(last) };
}

describe('soak: back-to-back analyze tasks with polling clients and an event stream attached (devhost)', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mdt-soak-'));
  const dataDir = path.join(dir, 'data');
  const dbs = databasePaths(dataDir);
  let host: AppHost | undefined;

  afterAll(async () => {
    await host?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Runs the tasks one after another while the clients watch; returns the measurements. */
  async function runTasks(api: ReturnType<typeof createApiClient>, writer: string, reader: string) {
    let current: WatchedTask | null = null;
    const pollers = startPollingClients(api, reader, 3, () => current);
    const events = startEventStreamClient(host!.url, reader);
    const settled = settledStats(host!);
    const samples: (ProcessStats & { task: number })[] = [];
    const ids: string[] = [];
    const failures: string[] = [];
    let before: ProcessStats | undefined;
    let after: ProcessStats;
    try {
      for (let index = 0; index < TASK_COUNT; index += 1) {
        if (index === WARM_UP) before = await settled();
        const submitted = await api.call('POST', TASKS, { token: writer, body: { task_type: 'analyze' } });
        expect(submitted.status, JSON.stringify(submitted.json)).toBe(202);
        current = { index, id: submitted.json.task_id as string };
        ids.push(current.id);
        const { task } = await api.waitForEnd(current.id, reader);
        if (task.status !== 'success') failures.push(`${index}: ${task.status as string} ${task.error as string}`);
        samples.push({ task: index, ...readProcessStats(host!.child.pid!) });
      }
      after = await settled();
      await pollers.stop();
      // The stream reads the tables every 500 ms: give it time to deliver the last task's end.
      await pollUntil(() => Promise.resolve(ids.every((id) => events.succeeded.has(id)) ? true : undefined), {
        timeoutMs: 10_000,
        what: 'every success in the event stream',
      }).catch(() => undefined);
    } finally {
      await Promise.all([pollers.stop(), events.stop()]);
    }
    const statuses = new Set([...pollers.polls.map((p) => p.status), ...pollers.others, ...events.statuses]);
    const undelivered = ids.filter((id) => !events.succeeded.has(id));
    return { before: before!, after, samples, polls: pollers.polls, failures, statuses, undelivered };
  }

  it(
    `${TASK_COUNT} tasks succeed; memory, descriptors and read latency stay flat; retention bounds the databases`,
    async () => {
      // Retention of one day: finished tasks are backdated past it instead of waiting (see the last step).
      const env = {
        AUTH_JWT_SECRET: TEST_SECRET,
        MARKET_DATA_BUNDLE_URL: pathToFileURL(makeBundle(dir, SYMBOLS, 60)).href,
        MARKET_DATA_RETENTION_SUCCESS_DAYS: '1',
        MARKET_DATA_RETENTION_FAILED_DAYS: '1',
      };
      host = await startAppHost({ dataDir, env, nodeOptions: ['--expose-gc', '--require', GC_ON_SIGNAL] });
      let api = createApiClient(host.url);
      const [writer, reader] = await Promise.all([tokenFor(['MarketData.Write']), tokenFor([])]);
      const first = await api.call('POST', TASKS, { token: writer, body: { task_type: 'download' } });
      expect((await api.waitForEnd(first.json.task_id as string, reader)).task.status).toBe('success');

      const run = await runTasks(api, writer, reader);
      expect(run.failures, 'tasks that did not succeed').toEqual([]);
      expect(run.undelivered, 'successes the event stream never delivered').toEqual([]);
      expect([...run.statuses], 'answers to the clients').toEqual([200]);
      const rss = windows(run.samples, (s) => s.rssBytes);
      const latency = windows(run.polls, (p) => p.ms);
      const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;
      console.log(
        `soak of ${TASK_COUNT} tasks: after a full GC, RSS ${mb(run.before.rssBytes)} → ${mb(run.after.rssBytes)} and ` +
          `open descriptors ${run.before.openFds} → ${run.after.openFds} (task ${WARM_UP} → the end; without a GC, ` +
          `medians of the first and last ${WINDOW} tasks: ${mb(rss.first)} → ${mb(rss.last)}); GET /tasks/{id} median ` +
          `${latency.first.toFixed(1)} → ${latency.last.toFixed(1)} ms (${run.polls.length} polls); task database ` +
          `${mb(statSync(dbs.tasks).size)}, durable store ${mb(statSync(dbs.durable).size)}`,
      );
      expect(run.after.rssBytes, 'resident memory after a full GC').toBeLessThanOrEqual(
        run.before.rssBytes * MAX_GROWTH,
      );
      expect(run.after.openFds, 'open descriptors').toBeLessThanOrEqual(Math.ceil(run.before.openFds * MAX_GROWTH));
      // Latency on a shared two-core machine is noisy (other builds come and go): drift means far beyond the start.
      expect(latency.last, 'GET /tasks/{id} latency (ms)').toBeLessThanOrEqual(
        Math.max(3 * latency.first, latency.first + 50),
      );

      // Retention: every finished task is backdated past the one-day setting; the purge at the next start-up (and
      // every minute after) must then remove the tasks, their logs and their analysis results.
      const grown = { tasks: countRows(dbs.tasks), durable: countRows(dbs.durable) };
      await host.stop();
      host = undefined;
      const db = new Database(dbs.tasks);
      db.prepare(`UPDATE market_data_tasks SET finished_at = ? WHERE finished_at IS NOT NULL`).run(
        new Date(Date.now() - 3 * 86_400_000).toISOString(),
      );
      db.close();
      host = await startAppHost({ dataDir, env });
      api = createApiClient(host.url);
      await pollUntil(() => Promise.resolve(countRows(dbs.tasks).analysis_runs === 1 ? true : undefined), {
        what: 'the retention purge',
      });
      const purged = { tasks: countRows(dbs.tasks), durable: countRows(dbs.durable) };
      console.log(
        `rows after ${TASK_COUNT} tasks: ${JSON.stringify(grown)}; after the purge: ${JSON.stringify(purged)}`,
      );
      expect(purged.tasks).toMatchObject({ market_data_tasks: 0, market_data_task_logs: 0, analysis_runs: 1 });
      expect(purged.tasks.analysis_symbol_metrics, 'symbol rows of the current run only').toBe(SYMBOLS);
      // The durable store holds the singleton's latest history only, however many orchestrations ran.
      for (const [table, rows] of Object.entries(grown.durable)) {
        expect(rows, `durable store table ${table}`).toBeLessThanOrEqual(50);
      }
      // The installed bundle and its current analysis outlive the tasks that made them.
      const bundle = await api.call('GET', '/api/market-data/bundle', { token: reader });
      expect(bundle.json).toMatchObject({ analysis_matches_bundle: true, totals: { symbol_count: SYMBOLS } });
    },
    20 * 60_000,
  );
});
