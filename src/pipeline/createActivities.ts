import { existsSync } from 'node:fs';
import path from 'node:path';
import { analyzeBundle } from '../analysis/analyzeBundle';
import type { AnalysisStore } from '../analysis/createAnalysisStore';
import { isAnalysisOfInstall } from '../analysis/isAnalysisOfInstall';
import type { DiffStore } from '../analysis/diff/createDiffStore';
import type { BundleStore } from '../bundles/bundleStore';
import type { AppConfig } from '../config';
import { AppError, ErrorCode } from '../errors';
import { downloadBundle } from '../stages/download/downloadBundle';
import { formatBytes } from '../stages/reportBytesProgress';
import type { TaskStore } from '../tasks/taskStore';
import type { Task } from '../tasks/taskTypes';
import type {
  ActivityOutcome,
  AnalyzeStageResult,
  DiffStageResult,
  DownloadStageResult,
  EndedTask,
  FinishTaskInput,
  RollbackStageResult,
  StageActivityInput,
  UnzipStageResult,
} from './pipelineContract';
import { diffInstalledBundle } from './diffInstalledBundle';
import { installDownloadedBundle } from './installDownloadedBundle';
import { readStageResult } from './readStageResult';
import { readyScratchDir } from './readyScratchDir';
import { rollBackBundle } from './rollBackBundle';
import { runStageActivity, type StageRunnerOptions } from './runStageActivity';

export interface ActivityDeps {
  readonly tasks: TaskStore;
  readonly bundles: BundleStore;
  readonly analysis: AnalysisStore;
  readonly diffs: DiffStore;
  readonly config: AppConfig;
  /** Where downloads are staged (`.part` files live here between attempts). */
  readonly downloadsDir: string;
  /** Holds `current/` and `previous/`. */
  readonly bundlesDir: string;
  /** Where the analysis and the diff split long-form bundles by symbol (see readyScratchDir). */
  readonly scratchDir: string;
  readonly heartbeatMs?: number;
  readonly progressEveryMs?: number;
}

export type PipelineActivities = ReturnType<typeof createActivities>;

function toEndedTask(task: Task): EndedTask {
  return { status: task.status, stage: task.stage, progress: task.progress };
}

/** The pipeline's activities as plain async functions: tests, the devhost and Azure all call this same code. */
export function createActivities(deps: ActivityDeps) {
  const { tasks, bundles, config } = deps;
  const running = new Map<string, AbortController>();
  const runner: StageRunnerOptions = {
    tasks,
    heartbeatMs: deps.heartbeatMs ?? 1_000,
    progressEveryMs: deps.progressEveryMs ?? 250,
    clock: () => Date.now(),
    running,
  };
  const currentDir = path.join(deps.bundlesDir, 'current');

  return {
    /**
     * Stops the stage this process runs for the task, if any, at once; call it after the cancel request is stored
     * (the stage reports its abort as a cancellation, and a stage on another attempt still sees the stored request).
     */
    cancelRunningStage(taskId: string): boolean {
      const controller = running.get(taskId);
      controller?.abort();
      return controller !== undefined;
    },

    /** pending → running; idempotent for a re-delivered call; honours a cancel requested while pending. */
    beginTask(input: { taskId: string }): Promise<ActivityOutcome<null>> {
      const record = tasks.getTaskRecord(input.taskId);
      if (record === null) {
        return Promise.resolve({ ok: false, code: ErrorCode.TaskNotFound, message: 'The task no longer exists.' });
      }
      if (record.status === 'running') return Promise.resolve({ ok: true, value: null });
      if (record.status !== 'pending') {
        const message = `The task is already ${record.status}.`;
        return Promise.resolve({ ok: false, code: ErrorCode.TaskNotActive, message });
      }
      if (record.cancel_requested_at !== null) {
        tasks.cancelTask(input.taskId, 'Cancelled before it started');
        tasks.log(input.taskId, 'WARNING', 'Cancelled before it started.');
        return Promise.resolve({ ok: false, code: ErrorCode.Cancelled, message: 'Cancelled before it started' });
      }
      tasks.startTask(input.taskId);
      tasks.log(input.taskId, 'INFO', `Task started (${record.task_type}, ${record.source}).`);
      return Promise.resolve({ ok: true, value: null });
    },

    downloadBundle(input: StageActivityInput): Promise<ActivityOutcome<DownloadStageResult>> {
      return runStageActivity(runner, input.taskId, input.slice, async (ctx): Promise<DownloadStageResult> => {
        const url = config.bundleUrl;
        if (url === null) {
          throw new AppError(
            ErrorCode.InvalidConfig,
            'MARKET_DATA_BUNDLE_URL is not set: there is nothing to download.',
          );
        }
        const installed = bundles.getInstalledBundle();
        const result = await downloadBundle(
          {
            url,
            downloadsDir: deps.downloadsDir,
            expectedSha256: config.bundleSha256,
            checksumUrl: config.bundleSha256Url,
            checksumSidecar: config.checksumSidecar,
            installed: installed !== null && installed.source_url === url && existsSync(currentDir) ? installed : null,
            connectTimeoutMs: config.downloadConnectTimeoutSeconds * 1000,
            idleTimeoutMs: config.downloadIdleTimeoutSeconds * 1000,
            maxBytes: config.downloadMaxBytes,
          },
          ctx,
        );
        if (result.outcome === 'already-current') {
          // An earlier task may have installed this bundle but not finished analysing it (failed or cancelled).
          const analysisCurrent = isAnalysisOfInstall(deps.analysis.getCurrentAnalysis(), installed);
          const summary = analysisCurrent
            ? 'The installed bundle is already current; nothing to download.'
            : 'The installed bundle is already current but not analysed yet; nothing to download.';
          return { stage: 'download', alreadyCurrent: true, analysisCurrent, summary };
        }
        const resumed = result.resumedFromBytes > 0 ? `, resumed at ${formatBytes(result.resumedFromBytes)}` : '';
        return {
          stage: 'download',
          alreadyCurrent: false,
          summary: `Downloaded ${formatBytes(result.bytes)} (sha256 ${result.sha256 ?? 'n/a'}${resumed}).`,
          download: { ...result, url },
        };
      });
    },

    unzipBundle(input: StageActivityInput): Promise<ActivityOutcome<UnzipStageResult>> {
      return runStageActivity(runner, input.taskId, input.slice, async (ctx) => {
        // Read as recorded: a call scheduled before an upgrade carries the download result untagged.
        const downloaded = input.previous === null ? null : readStageResult('download', input.previous);
        if (downloaded?.stage !== 'download' || downloaded.alreadyCurrent) {
          throw new Error('unzip ran without a downloaded archive');
        }
        const force = tasks.getTaskRecord(input.taskId)?.force === 1;
        return installDownloadedBundle(deps, input.taskId, downloaded.download, force, ctx);
      });
    },

    rollbackBundle(input: StageActivityInput): Promise<ActivityOutcome<RollbackStageResult>> {
      return runStageActivity(runner, input.taskId, input.slice, (ctx) => rollBackBundle(deps, input.taskId, ctx));
    },

    diffBundle(input: StageActivityInput): Promise<ActivityOutcome<DiffStageResult>> {
      return runStageActivity(runner, input.taskId, input.slice, async (ctx): Promise<DiffStageResult> => {
        await readyScratchDir(deps.scratchDir);
        return { stage: 'diff', summary: await diffInstalledBundle(deps, input.taskId, ctx) };
      });
    },

    analyzeBundle(input: StageActivityInput): Promise<ActivityOutcome<AnalyzeStageResult>> {
      return runStageActivity(runner, input.taskId, input.slice, async (ctx): Promise<AnalyzeStageResult> => {
        if (!existsSync(currentDir))
          throw new AppError(ErrorCode.NoBundle, 'No bundle is installed yet: run a download task first.');
        await readyScratchDir(deps.scratchDir);
        const result = await analyzeBundle(
          { bundleDir: currentDir, store: deps.analysis, taskId: input.taskId, tempDir: deps.scratchDir },
          ctx,
        );
        const totals = result.totals;
        return {
          stage: 'analyze',
          summary: `Analysis run ${result.runId} (${result.status}): ${totals.symbol_count} symbols, ${totals.rows_written} rows.`,
          runId: result.runId,
        };
      });
    },

    /**
     * Moves the task to its end state and returns it as it now is; a re-delivered call, or a task already ended
     * elsewhere (reconciliation, a cancel before it began), changes nothing. Null when the task no longer exists.
     */
    finishTask(input: FinishTaskInput): Promise<EndedTask | null> {
      const record = tasks.getTaskRecord(input.taskId);
      if (record === null) return Promise.resolve(null);
      if (record.status !== 'pending' && record.status !== 'running') return Promise.resolve(toEndedTask(record));
      if (input.outcome === 'success') {
        tasks.succeedTask(input.taskId, input.message);
        tasks.log(input.taskId, 'INFO', `Task succeeded: ${input.message}`);
      } else if (input.outcome === 'cancelled') {
        tasks.cancelTask(input.taskId, input.message);
        tasks.log(input.taskId, 'WARNING', `Task cancelled: ${input.message}`);
      } else {
        tasks.failTask(input.taskId, input.error ?? input.message);
        tasks.log(input.taskId, 'ERROR', `Task failed: ${input.error ?? input.message}`);
      }
      const ended = tasks.getTaskRecord(input.taskId);
      return Promise.resolve(ended === null ? null : toEndedTask(ended));
    },
  };
}
