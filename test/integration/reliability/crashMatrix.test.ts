import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, watch } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractArchive } from '../../../src/stages/unzip/extractArchive';
import { SWAP_JOURNAL } from '../../../src/stages/unzip/swapBundleDirs';
import { createStageTestContext } from '../../stages/helpers/stageTestContext';
import { startAppHost, type AppHost } from '../appHost';
import { createApiClient, makeBundle, TEST_SECRET, tokenFor } from '../apiClient';
import { startBundleServer, type BundleServer } from '../bundleServer';
import { treeFingerprint } from '../treeDigest';
import { crashPoints, type CrashPoint, type CrashView } from './crashPoints';
import { readTrialSettings, replayCommand, trialPrng } from './seededTrials';
import { databasePaths, integrityCheck, openTaskDbProbe, type ObservedTask } from './taskDbProbe';

const TASKS = '/api/market-data/tasks';
const FILE = 'test/integration/reliability/crashMatrix.test.ts';
// Twelve trials in CI (CRASH_TRIALS=100 for a long run); CRASH_SEED and CRASH_TRIAL replay one.
const settings = readTrialSettings('CRASH', 12);
const points = crashPoints();
/** Bytes per second while the crashing host downloads: the download then lasts about a second. */
const DOWNLOAD_RATE = 1.5 * 2 ** 20;

interface Release {
  readonly zip: string;
  readonly sha256: string;
  /** Fingerprint of its extracted tree, as installed in bundles/current. */
  readonly tree: string;
}

function trialPlan(index: number): { point: CrashPoint; delayMs: number } {
  const prng = trialPrng(settings.seed, index);
  const point = points[(settings.seed + index) % points.length]!;
  return { point, delayMs: prng.int(0, point.maxDelayMs) };
}

function describeTask(task: ObservedTask | null, swapping: boolean): string {
  if (task === null) return 'no task row';
  return `${task.status}, stage ${task.stage ?? '-'}, ${task.progress} %${swapping ? ', swap journal seen' : ''}`;
}

describe(`crash matrix: SIGKILL at seeded moments of a task's life, then a restart (seed ${settings.seed})`, () => {
  let dir: string;
  let template: string;
  let server: BundleServer;
  const releases: Record<'a' | 'b' | 'c', Release> = {} as never;
  const tokens = { writer: '', admin: '', reader: '' };
  let failures = 0;
  const env = (): Record<string, string> => ({ AUTH_JWT_SECRET: TEST_SECRET, MARKET_DATA_BUNDLE_URL: server.url });

  async function release(symbols: number, days: number, seed: number): Promise<Release> {
    const zip = makeBundle(dir, symbols, days, seed);
    const tree = path.join(dir, `tree-${seed}`);
    await extractArchive(zip, tree, undefined, createStageTestContext());
    const fingerprint = treeFingerprint(tree)!;
    rmSync(tree, { recursive: true });
    return { zip, sha256: createHash('sha256').update(readFileSync(zip)).digest('hex'), tree: fingerprint };
  }

  beforeAll(async () => {
    console.log(
      `crash matrix: seed ${settings.seed}, trials ${settings.indexes.join(', ')} of ${points.length} points`,
    );
    dir = mkdtempSync(path.join(os.tmpdir(), 'mdt-crash-matrix-'));
    [releases.a, releases.b, releases.c] = await Promise.all([
      release(600, 100, 1),
      release(600, 105, 2),
      release(600, 110, 3),
    ]);
    [tokens.writer, tokens.admin, tokens.reader] = await Promise.all([
      tokenFor(['MarketData.Write']),
      tokenFor(['MarketData.Admin']),
      tokenFor([]),
    ]);
    // The state every trial starts from: release b installed over release a (kept as previous).
    server = await startBundleServer({ filePath: releases.a.zip, acceptRanges: true });
    template = path.join(dir, 'template');
    const host = await startAppHost({ dataDir: template, env: env() });
    try {
      const api = createApiClient(host.url);
      for (const next of [releases.a, releases.b]) {
        server.setFilePath(next.zip);
        const submitted = await api.call('POST', TASKS, { token: tokens.writer, body: { task_type: 'download' } });
        const { task } = await api.waitForEnd(submitted.json.task_id as string, tokens.reader, 120_000);
        expect(task.status, String(task.error)).toBe('success');
      }
    } finally {
      await host.stop();
    }
    server.setFilePath(releases.c.zip);
  }, 240_000);

  afterAll(async () => {
    await server?.close();
    // A failed trial's data directory is kept for a look (its path is in the failure).
    if (dir !== undefined && failures === 0) rmSync(dir, { recursive: true, force: true });
  });

  /**
   * Watches the task until the crash point's moment (or the task's end), waits the seeded delay, and kills. The log
   * lines read last before the kill are returned: they were committed before it.
   */
  async function crashAt(host: AppHost, dataDir: string, taskId: string, point: CrashPoint, delayMs: number) {
    const probe = openTaskDbProbe(databasePaths(dataDir).tasks);
    const bundlesDir = path.join(dataDir, 'bundles');
    let journalSeen = false;
    let wake: () => void = () => undefined;
    const watcher = point.onSwapJournal
      ? watch(bundlesDir, (_event, name) => {
          if (name !== SWAP_JOURNAL) return;
          journalSeen = true;
          wake();
        })
      : null;
    const view: CrashView = {
      task: () => probe.task(taskId),
      swapInProgress: () => journalSeen || existsSync(path.join(bundlesDir, SWAP_JOURNAL)),
      analysisRowsWritten: () => probe.analysisRowsWritten(taskId),
      logMessages: () => probe.logs(taskId).map((line) => line.message),
    };
    try {
      const deadline = Date.now() + 120_000;
      let committedLogs = probe.logs(taskId);
      let reached = false;
      for (;;) {
        if (point.reached(view)) {
          reached = true;
          break;
        }
        const status = view.task()?.status;
        if (status !== undefined && status !== 'pending' && status !== 'running') break;
        if (Date.now() > deadline) throw new Error(`the task never reached "${point.name}"`);
        committedLogs = probe.logs(taskId);
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, 1);
        });
      }
      if (delayMs > 0) await sleep(delayMs);
      await host.kill();
      return { reached, landed: describeTask(view.task(), view.swapInProgress()), committedLogs };
    } finally {
      watcher?.close();
      probe.close();
    }
  }

  for (const index of settings.indexes) {
    const { point, delayMs } = trialPlan(index);
    it(`trial ${index}: ${point.name}, ${delayMs} ms after the moment`, async () => {
      const dataDir = path.join(dir, `trial-${index}`);
      cpSync(template, dataDir, { recursive: true });
      const bundlesDir = path.join(dataDir, 'bundles');
      const dbs = databasePaths(dataDir);
      let host: AppHost | undefined;
      try {
        server.setRate(DOWNLOAD_RATE);
        host = await startAppHost({ dataDir, env: env() });
        let api = createApiClient(host.url);
        const body = { task_type: point.taskType };
        const token = point.taskType === 'rollback' ? tokens.admin : tokens.writer;
        const submitted = await api.call('POST', TASKS, { token, body });
        expect(submitted.status, JSON.stringify(submitted.json)).toBe(202);
        const taskId = submitted.json.task_id as string;

        const crash = await crashAt(host, dataDir, taskId, point, delayMs);
        host = undefined;
        expect(integrityCheck(dbs.tasks), 'task database right after the kill').toBe('ok');
        expect(integrityCheck(dbs.durable), 'durable store right after the kill').toBe('ok');

        server.setRate(undefined);
        host = await startAppHost({ dataDir, env: env() });
        api = createApiClient(host.url);
        const restartedAt = Date.now();
        const { task } = await api.waitForEnd(taskId, tokens.reader, 120_000);
        const seconds = ((Date.now() - restartedAt) / 1000).toFixed(1);
        const missed = crash.reached ? '' : ' (the task ended before the moment)';
        console.log(
          `trial ${index} (${point.name}): killed at ${crash.landed}${missed}; ${task.status} ${seconds} s after the restart`,
        );
        expect(['success', 'failed'], `ended ${String(task.status)}`).toContain(task.status);
        if (task.status === 'failed') expect(String(task.error).trim(), 'a failed task says why').not.toBe('');

        const probe = openTaskDbProbe(dbs.tasks);
        try {
          expect(probe.activeCount(), 'tasks holding the mutex').toBe(0);
          const after = new Map(probe.logs(taskId).map((line) => [line.id, line.message]));
          for (const line of crash.committedLogs) expect(after.get(line.id), `log line ${line.id}`).toBe(line.message);
          expect(probe.openAnalysisRuns(), 'analysis runs left open').toBe(0);
        } finally {
          probe.close();
        }

        const wanted =
          point.taskType === 'download'
            ? { old: releases.b, next: releases.c, keptAfterNext: releases.b }
            : { old: releases.b, next: releases.a, keptAfterNext: releases.b };
        const current = treeFingerprint(path.join(bundlesDir, 'current'));
        const previous = treeFingerprint(path.join(bundlesDir, 'previous'));
        const installed =
          task.status === 'success' ? wanted.next : [wanted.old, wanted.next].find((r) => r.tree === current);
        expect(current, 'bundles/current is the old or the new bundle, complete').toBe(installed?.tree);
        if (installed === wanted.next) expect(previous, 'bundles/previous').toBe(wanted.keptAfterNext.tree);
        else expect(previous, 'bundles/previous').toBe(releases.a.tree);
        const leftovers = readdirSync(bundlesDir).filter((name) => name.startsWith('.') && name !== '.last-swap.json');
        expect(leftovers, 'staging, trash or journal left behind').toEqual([]);
        const bundle = await api.call('GET', '/api/market-data/bundle', { token: tokens.reader });
        expect(bundle.json.checksum, 'the bundle record describes bundles/current').toBe(installed?.sha256);

        const next = await api.call('POST', TASKS, { token: tokens.writer, body: { task_type: 'analyze' } });
        expect(next.status, 'the mutex is free: a new task is accepted').toBe(202);
        await host.kill();
        host = undefined;
        expect(integrityCheck(dbs.tasks), 'task database at the end').toBe('ok');
        expect(integrityCheck(dbs.durable), 'durable store at the end').toBe('ok');
        rmSync(dataDir, { recursive: true, force: true });
      } catch (error) {
        failures += 1;
        const replay = replayCommand('CRASH', settings.seed, index, FILE);
        throw new Error(`${(error as Error).message}\n  replay: ${replay}\n  data directory kept: ${dataDir}`, {
          cause: error,
        });
      } finally {
        await host?.kill();
      }
    }, 300_000);
  }
});
