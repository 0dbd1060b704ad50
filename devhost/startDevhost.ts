import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { applyLocalSettings } from './config/applyLocalSettings.js';
import { readHostConfig } from './config/readHostConfig.js';
import { resolveAppLibraryDir } from './core/loadFunctionsLibrary.js';
import { createConsoleLog, flushConsoleLog, parseLogLevel } from './createConsoleLog.js';
import { DevhostError, DevhostErrorCode } from './devhostError.js';
import { createDurableEngine as createRealDurableEngine } from './durable/createDurableEngine.js';
import type { CreateDurableEngine, DevhostLog, DurableEngine } from './durable/types.js';
import type { FunctionKind, HostedFunction } from './functions/classifyFunction.js';
import { formatFunctionList } from './functions/formatFunctionList.js';
import { createHttpHandler } from './http/createHttpHandler.js';
import { invokeWithRetries } from './invoke/invokeWithRetries.js';
import { createHookContext, runHooks } from './invoke/runHooks.js';
import { loadAppEntryPoints } from './load/loadAppEntryPoints.js';
import { loadFunctionApp } from './loadFunctionApp.js';
import { lockDataDir } from './lockDataDir.js';
import {
  createTimerScheduler,
  systemClock,
  type TimerClock,
  type TimerScheduler,
} from './timer/createTimerScheduler.js';
import { createTimerStatusStore } from './timer/createTimerStatusStore.js';
import { sleepOnClock } from './timer/sleepOnClock.js';
import { waitForAll } from './waitForAll.js';

export interface DevhostOptions {
  /** The function app's directory (package.json, host.json, local.settings.json). */
  appDir: string;
  /** Port on 127.0.0.1; 0 picks a free one. Default: $PORT, else 7071. */
  port?: number;
  /** Durable state and timer status. Default: $DEVHOST_DATA_DIR, else `<appDir>/.devhost`. */
  dataDir?: string;
  /** Log sink. Default: timestamped console lines at $DEVHOST_LOG_LEVEL (information). */
  log?: DevhostLog;
  /** Clock for the timer scheduler (tests inject one). Default: the system clock. */
  timerClock?: TimerClock;
  /** How long stop() waits for in-flight HTTP, timer and durable work, in ms. Default 10 000. */
  shutdownGraceMs?: number;
  /** Limit for buffered request bodies, in bytes (streamed ones have none). Default: $DEVHOST_MAX_BODY_BYTES, else 100 MB. */
  maxBodyBytes?: number;
  /** The durable engine factory. Default: devhost/durable's createDurableEngine. */
  createDurableEngine?: CreateDurableEngine;
}

export interface FunctionSummary {
  name: string;
  kind: FunctionKind;
  triggerType: string;
  disabled: boolean;
  /** Why it cannot run here (empty when it can). */
  problems: readonly string[];
}

export interface RunningDevhost {
  /** e.g. "http://127.0.0.1:7071" */
  url: string;
  port: number;
  dataDir: string;
  functions: readonly FunctionSummary[];
  /**
   * Graceful: stop accepting, end open event streams, wait for other in-flight work up to the grace period, run
   * appTerminate hooks, close.
   */
  stop(): Promise<void>;
}

const defaultMaxBodyBytes = 100 * 1024 * 1024;
let hostnameSetByDevhost: string | undefined;

function readMaxBodyBytes(env: NodeJS.ProcessEnv): number {
  const text = env['DEVHOST_MAX_BODY_BYTES'];
  if (text === undefined || text === '') return defaultMaxBodyBytes;
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0) {
    throw new DevhostError(DevhostErrorCode.InvalidConfig, 'DEVHOST_MAX_BODY_BYTES must be a positive integer.');
  }
  return value;
}

// Function-level retry policies apply to triggers that support them; of the devhost's triggers only the timer does.
// The host says so at start-up and, for those other triggers, the policy is not applied here.
function warnAboutUnsupportedRetries(functions: readonly HostedFunction[], log: DevhostLog): void {
  for (const fn of functions) {
    if (!fn.retry || fn.kind === 'timer' || fn.problems.length > 0) continue;
    log(
      'warning',
      `Retries are not supported for function 'Functions.${fn.name}' (${fn.trigger.type}); its retry policy is ` +
        'ignored. For more information, please visit http://aka.ms/func-retry-policies.',
    );
  }
}

function listen(server: http.Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Loads the app in appDir and serves it: HTTP routes, timers and (when the app uses it) the durable engine. */
export async function startDevhost(options: DevhostOptions): Promise<RunningDevhost> {
  const env = process.env;
  const log = options.log ?? createConsoleLog(parseLogLevel(env['DEVHOST_LOG_LEVEL']));
  const appDir = path.resolve(options.appDir);
  if (!fs.existsSync(appDir) || !fs.statSync(appDir).isDirectory()) {
    throw new DevhostError(DevhostErrorCode.InvalidApp, `The app directory "${appDir}" does not exist.`);
  }
  applyLocalSettings(appDir, env);
  const hostConfig = readHostConfig(appDir);
  const dataDir = path.resolve(options.dataDir ?? env['DEVHOST_DATA_DIR'] ?? path.join(appDir, '.devhost'));
  const maxBodyBytes = options.maxBodyBytes ?? readMaxBodyBytes(env);
  const graceMs = options.shutdownGraceMs ?? 10_000;
  const dataDirLock = lockDataDir(dataDir);

  let handle: ((req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>) | undefined;
  let markReady!: () => void;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  const inFlight = new Set<Promise<void>>();
  const shuttingDown = new AbortController();
  const server = http.createServer((req, res) => {
    const work: Promise<void> = ready
      .then(() => handle?.(req, res))
      .catch((error: unknown) => {
        log('error', `Request failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        if (!res.headersSent) res.writeHead(500, { 'content-length': '0' }).end();
        else res.destroy();
      })
      .finally(() => inFlight.delete(work));
    inFlight.add(work);
  });
  // Listening first means WEBSITE_HOSTNAME carries the real port (also for --port 0) before any app code runs.
  let port: number;
  try {
    port = await listen(server, options.port ?? 7071);
  } catch (error) {
    dataDirLock.release();
    throw error;
  }
  const origin = `http://localhost:${port}`;
  if (!env['WEBSITE_HOSTNAME'] || env['WEBSITE_HOSTNAME'] === hostnameSetByDevhost) {
    hostnameSetByDevhost = env['WEBSITE_HOSTNAME'] = `localhost:${port}`;
  }

  let engine: DurableEngine | undefined;
  let timers: TimerScheduler | undefined;
  try {
    const app = await loadFunctionApp({
      register: async () => {
        await loadAppEntryPoints(appDir);
      },
      appLibraryDir: () => resolveAppLibraryDir(appDir),
      env,
      routePrefix: hostConfig.routePrefix,
      log,
      durableClientInput: (callerOrigin) => {
        if (!engine) throw new DevhostError(DevhostErrorCode.Unsupported, 'The durable engine is not running.');
        return engine.clientInputData(callerOrigin);
      },
    });
    const { registry, prepared, invoker } = app;
    warnAboutUnsupportedRetries(prepared.functions, log);
    if (prepared.needsDurable) {
      engine = (options.createDurableEngine ?? createRealDurableEngine)({
        dataDir,
        hubName: hostConfig.hubName,
        maxConcurrentActivityFunctions: hostConfig.maxConcurrentActivityFunctions,
        maxConcurrentOrchestratorFunctions: hostConfig.maxConcurrentOrchestratorFunctions,
        overridableExistingInstanceStates: hostConfig.overridableExistingInstanceStates,
        invoker: app.durableInvoker(() => origin),
        log,
      });
    }
    const timerClock = options.timerClock ?? systemClock;
    const scheduler = createTimerScheduler({
      timers: prepared.timers,
      clock: timerClock,
      store: createTimerStatusStore(dataDir),
      invoke: (name, value, signal) => {
        const fn = prepared.functions.find((f) => f.name === name)!;
        return invokeWithRetries({
          functionName: fn.name,
          policy: fn.retry,
          attempt: (retryContext) => invoker.invoke(fn, { trigger: () => value, retryContext, origin }),
          sleep: (ms, abort) => sleepOnClock(timerClock, ms, abort),
          signal,
          log,
        });
      },
      log,
    });
    timers = scheduler;
    handle = createHttpHandler({
      router: prepared.router,
      invoker,
      engine,
      maxBodyBytes,
      streamRequestBodies: app.httpStream,
      authority: () => `127.0.0.1:${port}`,
      log,
      stopping: shuttingDown.signal,
    });
    // As in the worker, appStart and appTerminate share a hookData of their own; appHookData is every hook's.
    await runHooks(
      registry,
      'appStart',
      createHookContext(registry.appLevelHookData, registry.appHookData, { functionAppDirectory: appDir }),
    );
    await engine?.start();
    scheduler.start();
    log(
      'information',
      formatFunctionList(prepared.functions, {
        origin,
        routePrefix: hostConfig.routePrefix,
        nextTimerRun: (name) => scheduler.nextRun(name),
      }),
    );
    markReady();

    let stopping: Promise<void> | undefined;
    const stop = async (): Promise<void> => {
      const deadline = Date.now() + graceMs;
      const remaining = (): number => Math.max(0, deadline - Date.now());
      server.close();
      server.closeIdleConnections();
      // Event streams never end by themselves: end them now instead of holding the stop for the grace period.
      shuttingDown.abort();
      await scheduler.stop(remaining());
      await waitForAll(inFlight, remaining());
      await engine?.stop(remaining());
      try {
        await runHooks(
          registry,
          'appTerminate',
          createHookContext(registry.appLevelHookData, registry.appHookData, {}),
        );
      } catch (error) {
        log('error', `An appTerminate hook failed: ${String(error)}`);
      }
      server.closeAllConnections();
      dataDirLock.release();
      if (env['WEBSITE_HOSTNAME'] === hostnameSetByDevhost) delete env['WEBSITE_HOSTNAME'];
      flushConsoleLog();
    };
    // Start-up lines come out before anything the caller prints next (the readiness line, a token).
    flushConsoleLog();
    return {
      url: `http://127.0.0.1:${port}`,
      port,
      dataDir,
      functions: prepared.functions.map((fn) => ({
        name: fn.name,
        kind: fn.kind,
        triggerType: fn.trigger.type,
        disabled: fn.disabled,
        problems: [...fn.problems],
      })),
      stop: () => (stopping ??= stop()),
    };
  } catch (error) {
    await timers?.stop(0);
    await engine?.stop(0).catch(() => undefined);
    server.closeAllConnections();
    server.close();
    dataDirLock.release();
    if (env['WEBSITE_HOSTNAME'] === hostnameSetByDevhost) delete env['WEBSITE_HOSTNAME'];
    throw error;
  }
}
