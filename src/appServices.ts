import path from 'node:path';
import type Database from 'better-sqlite3';
import { createAnalysisStore, type AnalysisStore } from './analysis/createAnalysisStore';
import { createDiffStore, type DiffStore } from './analysis/diff/createDiffStore';
import { createTokenVerifier, type TokenVerifier } from './auth';
import { createBundleStore, type BundleStore } from './bundles/bundleStore';
import { loadConfig, type AppConfig } from './config';
import { openDatabase } from './db/openDatabase';
import { createActivities, type PipelineActivities } from './pipeline/createActivities';
import { createTaskReconciler, type TaskReconciler } from './pipeline/createTaskReconciler';
import { recoverBundleSwap } from './stages/unzip/recoverBundleSwap';
import { createTaskStore, type TaskStore } from './tasks/taskStore';

/**
 * Everything the functions share in one process: opened once, closed on app termination. Handlers and activities
 * read and write through the stores; `db` is here to be closed.
 */
export interface AppServices {
  readonly config: AppConfig;
  readonly db: Database.Database;
  readonly tasks: TaskStore;
  readonly bundles: BundleStore;
  readonly analysis: AnalysisStore;
  /** What each install changed (the bundle diffs). */
  readonly diffs: DiffStore;
  readonly verifier: TokenVerifier;
  readonly activities: PipelineActivities;
  /** Read-side reconciliation (the timer and submits use the full `reconcileActiveTask`). */
  readonly reconciler: TaskReconciler;
  readonly bundlesDir: string;
}

/** WAL needs shared memory, which network shares (Azure's /home is SMB) do not provide safely. */
function journalModeFor(config: AppConfig): 'wal' | 'delete' {
  const onShare = config.onAzure && /^(\/home\/|[a-z]:\\home\\)/i.test(config.dbPath);
  return onShare ? 'delete' : 'wal';
}

export function createAppServices(config: AppConfig): AppServices {
  const db = openDatabase(config.dbPath, { journalMode: journalModeFor(config) });
  const tasks = createTaskStore(db);
  const bundles = createBundleStore(db);
  const analysis = createAnalysisStore(db);
  const diffs = createDiffStore(db);
  const bundlesDir = path.join(config.dataDir, 'bundles');
  const verifier = createTokenVerifier(config.auth);
  const activities = createActivities({
    tasks,
    bundles,
    analysis,
    diffs,
    config,
    bundlesDir,
    downloadsDir: path.join(config.dataDir, 'downloads'),
    scratchDir: config.scratchDir,
  });
  const reconciler = createTaskReconciler({ tasks });
  return { config, db, tasks, bundles, analysis, diffs, verifier, activities, reconciler, bundlesDir };
}

let state: { services: AppServices } | { error: unknown } | undefined;

/**
 * The process's services, created on first use from the environment. A configuration error is remembered, so every
 * request answers with the same clear message (503) instead of the app running half-configured.
 */
export function getAppServices(): AppServices {
  if (state === undefined) {
    try {
      state = { services: createAppServices(loadConfig(process.env)) };
    } catch (error) {
      state = { error };
    }
  }
  if ('error' in state) throw state.error;
  return state.services;
}

/** Start-up work that must finish before tasks run: repair a bundle swap a crash interrupted. */
export async function prepareAppServices(): Promise<AppServices> {
  const services = getAppServices();
  await recoverBundleSwap(services.bundlesDir);
  return services;
}

export function closeAppServices(): void {
  if (state !== undefined && 'services' in state) state.services.db.close();
  state = undefined;
}
