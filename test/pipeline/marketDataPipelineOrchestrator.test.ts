import { describe, expect, it } from 'vitest';
import type { PipelineInput } from '../../src/pipeline/pipelineContract';
import { runOrchestrator, type ActivityStub, type OrchestratorRun } from './orchestratorDriver';

const taskId = '6f1c1a1e-ab12-4c3d-8e9f-0123456789ab';
// Every submit since the diff stage existed marks its input withDiff; inputs without it are older orchestrations'.
const download: PipelineInput = { taskId, taskType: 'download', withDiff: true };
const analyze: PipelineInput = { taskId, taskType: 'analyze', withDiff: true };
const rollback: PipelineInput = { taskId, taskType: 'rollback', withDiff: true };
const downloadBeforeDiff: PipelineInput = { taskId, taskType: 'download' };
const rollbackBeforeDiff: PipelineInput = { taskId, taskType: 'rollback' };

const archive = {
  outcome: 'downloaded',
  filePath: '/data/downloads/bundle.zip',
  sha256: 'ab'.repeat(32),
  bytes: 1024,
  etag: '"v1"',
  lastModified: null,
  resumedFromBytes: 0,
  url: 'https://bundles.test/bundle.zip',
};
const downloaded = { stage: 'download', alreadyCurrent: false, summary: 'Downloaded 1.0 KiB.', download: archive };
const ok = (value: unknown) => () => ({ ok: true, value });
const refuse = (code: string, message: string) => () => ({ ok: false, code, message });
const fault = (message: string) => () => {
  throw new Error(message);
};

/** Activities that all succeed; finishTask reports the task as the store would leave it. */
function activities(overrides: Record<string, ActivityStub> = {}): Record<string, ActivityStub> {
  return {
    beginTask: ok(null),
    downloadBundle: ok(downloaded),
    unzipBundle: ok({ stage: 'unzip', summary: 'Installed 12 entries (1.0 MiB) into bundles/current.' }),
    rollbackBundle: ok({ stage: 'rollback', summary: 'Restored the bundle installed at 2026-01-02.' }),
    diffBundle: ok({ stage: 'diff', summary: '2 symbols restated 7 rows; 1 symbol added; 0 removed; 4 new days.' }),
    analyzeBundle: ok({ stage: 'analyze', summary: 'Analysis run 7 (ok): 300 symbols.', runId: 7 }),
    finishTask: (input) => {
      const { outcome } = input as { outcome: string };
      return { status: outcome, stage: 'analyze', progress: outcome === 'success' ? 100 : 80 };
    },
    ...overrides,
  };
}

const names = (run: OrchestratorRun) => run.calls.map((call) => call.name);
const inputOf = (run: OrchestratorRun, name: string) => run.calls.find((call) => call.name === name)?.input;
const finished = (run: OrchestratorRun) => inputOf(run, 'finishTask');

describe('marketDataPipelineOrchestrator on the way to success', () => {
  it('runs download, unzip, diff and analyze, hands each stage the one before, and ends with the last summary', () => {
    const run = runOrchestrator(download, activities());
    expect(names(run)).toEqual([
      'beginTask',
      'downloadBundle',
      'unzipBundle',
      'diffBundle',
      'analyzeBundle',
      'finishTask',
    ]);
    expect(inputOf(run, 'beginTask')).toEqual({ taskId });
    expect(inputOf(run, 'downloadBundle')).toEqual({
      taskId,
      slice: { stage: 'download', from: 0, to: 55 },
      previous: null,
    });
    expect(inputOf(run, 'unzipBundle')).toEqual({
      taskId,
      slice: { stage: 'unzip', from: 55, to: 68 },
      previous: downloaded,
    });
    expect(inputOf(run, 'diffBundle')).toMatchObject({
      slice: { stage: 'diff', from: 68, to: 78 },
      previous: { stage: 'unzip' },
    });
    expect(inputOf(run, 'analyzeBundle')).toMatchObject({
      slice: { stage: 'analyze', from: 78, to: 99 },
      previous: { stage: 'diff' },
    });
    expect(finished(run)).toEqual({
      taskId,
      outcome: 'success',
      message: 'Analysis run 7 (ok): 300 symbols.',
      error: null,
    });
    expect(run.result).toEqual({ taskId, outcome: 'success', message: 'Analysis run 7 (ok): 300 symbols.' });
  });

  it('keeps its custom status on the stage that runs, and ends with the task as finishTask left it', () => {
    const run = runOrchestrator(download, activities());
    expect(run.statuses).toEqual([
      { task_id: taskId, stage: null, progress: 0 },
      { task_id: taskId, stage: 'download', progress: 0 },
      { task_id: taskId, stage: 'unzip', progress: 55 },
      { task_id: taskId, stage: 'diff', progress: 68 },
      { task_id: taskId, stage: 'analyze', progress: 78 },
      { task_id: taskId, stage: 'analyze', progress: 100, outcome: 'success' },
    ]);
  });

  it('falls back to the outcome it asked for when finishTask answered null, as histories of older versions hold', () => {
    const run = runOrchestrator(download, activities({ finishTask: () => null }));
    expect(run.statuses.at(-1)).toEqual({ task_id: taskId, stage: null, progress: 100, outcome: 'success' });
    const failed = runOrchestrator(
      download,
      activities({ finishTask: () => null, unzipBundle: refuse('BUNDLE_INVALID', 'no data') }),
    );
    expect(failed.statuses.at(-1)).toEqual({ task_id: taskId, stage: null, progress: null, outcome: 'failed' });
  });

  it('runs only the analysis for an analyze task, on the whole progress scale', () => {
    const run = runOrchestrator(analyze, activities());
    expect(names(run)).toEqual(['beginTask', 'analyzeBundle', 'finishTask']);
    expect(inputOf(run, 'analyzeBundle')).toEqual({
      taskId,
      slice: { stage: 'analyze', from: 0, to: 99 },
      previous: null,
    });
    expect(finished(run)).toMatchObject({ outcome: 'success', message: 'Analysis run 7 (ok): 300 symbols.' });
  });

  it('rolls back, diffs the restored bundle against the replaced one, then analyses it for a rollback task', () => {
    const run = runOrchestrator(rollback, activities());
    expect(names(run)).toEqual(['beginTask', 'rollbackBundle', 'diffBundle', 'analyzeBundle', 'finishTask']);
    expect(inputOf(run, 'rollbackBundle')).toEqual({
      taskId,
      slice: { stage: 'rollback', from: 0, to: 5 },
      previous: null,
    });
    expect(inputOf(run, 'diffBundle')).toMatchObject({
      slice: { stage: 'diff', from: 5, to: 40 },
      previous: { stage: 'rollback', summary: 'Restored the bundle installed at 2026-01-02.' },
    });
    expect(inputOf(run, 'analyzeBundle')).toMatchObject({
      slice: { stage: 'analyze', from: 40, to: 99 },
      previous: { stage: 'diff' },
    });
    expect(finished(run)).toMatchObject({ outcome: 'success' });
  });
});

describe('marketDataPipelineOrchestrator with an already-current bundle', () => {
  it('ends with success after the download when the installed bundle is current and analysed', () => {
    const current = { stage: 'download', alreadyCurrent: true, analysisCurrent: true, summary: 'Already current.' };
    const run = runOrchestrator(download, activities({ downloadBundle: ok(current) }));
    expect(names(run)).toEqual(['beginTask', 'downloadBundle', 'finishTask']);
    expect(finished(run)).toEqual({ taskId, outcome: 'success', message: 'Already current.', error: null });
  });

  it('skips the unzip and the diff (nothing was installed) when the bundle was never analysed, and analyses it', () => {
    const current = { stage: 'download', alreadyCurrent: true, analysisCurrent: false, summary: 'Not analysed yet.' };
    const run = runOrchestrator(download, activities({ downloadBundle: ok(current) }));
    expect(names(run)).toEqual(['beginTask', 'downloadBundle', 'analyzeBundle', 'finishTask']);
    expect(inputOf(run, 'analyzeBundle')).toEqual({
      taskId,
      slice: { stage: 'analyze', from: 78, to: 99 },
      previous: current,
    });
    expect(finished(run)).toMatchObject({ outcome: 'success', message: 'Analysis run 7 (ok): 300 symbols.' });
  });
});

describe('marketDataPipelineOrchestrator when the task cannot begin', () => {
  it('ends the task cancelled, without running a stage, when it was cancelled before it started', () => {
    const run = runOrchestrator(
      download,
      activities({ beginTask: refuse('CANCELLED', 'Cancelled before it started') }),
    );
    expect(names(run)).toEqual(['beginTask', 'finishTask']);
    expect(finished(run)).toEqual({
      taskId,
      outcome: 'cancelled',
      message: 'Cancelled before it started',
      error: null,
    });
    expect(run.result.outcome).toBe('cancelled');
  });

  it.each([
    ['TASK_NOT_FOUND', 'The task no longer exists.'],
    ['TASK_NOT_ACTIVE', 'The task is already failed.'],
  ])('fails the task with the reason when beginTask answers %s', (code, message) => {
    const run = runOrchestrator(download, activities({ beginTask: refuse(code, message) }));
    expect(names(run)).toEqual(['beginTask', 'finishTask']);
    expect(finished(run)).toEqual({ taskId, outcome: 'failed', message, error: message });
  });

  it('fails the task when beginTask keeps throwing, naming the attempts its retry options allowed', () => {
    const run = runOrchestrator(download, activities({ beginTask: fault('database is locked') }));
    expect(names(run)).toEqual(['beginTask', 'finishTask']);
    expect(run.calls[0]!.attempts).toBe(3);
    expect(finished(run)).toEqual({
      taskId,
      outcome: 'failed',
      message: 'Task could not start',
      error: 'start failed after 3 attempts: database is locked',
    });
  });
});

describe('marketDataPipelineOrchestrator when a stage fails', () => {
  it.each([
    [download, 'downloadBundle', 'download', 'CHECKSUM_MISMATCH'],
    [download, 'unzipBundle', 'unzip', 'BUNDLE_INVALID'],
    [rollback, 'rollbackBundle', 'rollback', 'NO_PREVIOUS_BUNDLE'],
    [download, 'diffBundle', 'diff', 'UNSUPPORTED_ARCHIVE'],
    [download, 'analyzeBundle', 'analyze', 'NO_BUNDLE'],
  ] as const)(
    '%# fails the task with the message of an expected %s failure and runs nothing after it',
    (input, activity, stage, code) => {
      const message = `the ${stage} stage refused: ${code}`;
      const run = runOrchestrator(input, activities({ [activity]: refuse(code, message) }));
      expect(names(run).slice(-2)).toEqual([activity, 'finishTask']);
      expect(finished(run)).toEqual({ taskId, outcome: 'failed', message: `${stage} failed`, error: message });
      expect(run.result).toEqual({ taskId, outcome: 'failed', message: `${stage} failed` });
    },
  );

  it('fails the task after the attempts of its retry options when a stage keeps throwing', () => {
    const run = runOrchestrator(download, activities({ downloadBundle: fault('socket hang up') }));
    const call = run.calls.find((c) => c.name === 'downloadBundle')!;
    expect(call.retry).toEqual({
      firstRetryIntervalInMilliseconds: 2000,
      maxNumberOfAttempts: 3,
      backoffCoefficient: 2,
    });
    expect(call.attempts).toBe(call.retry.maxNumberOfAttempts);
    expect(names(run)).toEqual(['beginTask', 'downloadBundle', 'finishTask']);
    expect(finished(run)).toEqual({
      taskId,
      outcome: 'failed',
      message: 'download failed',
      error: 'download failed after 3 attempts: socket hang up',
    });
  });

  it.each([
    [download, ['beginTask', 'downloadBundle', 'unzipBundle', 'diffBundle', 'finishTask']],
    [rollback, ['beginTask', 'rollbackBundle', 'diffBundle', 'finishTask']],
  ] as const)(
    '%# fails the task after three attempts when the diff keeps throwing, and never analyses',
    (input, calls) => {
      const run = runOrchestrator(input, activities({ diffBundle: fault('SQLITE_FULL: database or disk is full') }));
      expect(names(run)).toEqual(calls);
      expect(run.calls.find((c) => c.name === 'diffBundle')!.attempts).toBe(3);
      expect(finished(run)).toEqual({
        taskId,
        outcome: 'failed',
        message: 'diff failed',
        error: 'diff failed after 3 attempts: SQLITE_FULL: database or disk is full',
      });
    },
  );

  it('goes on when a fault passes on a later attempt', () => {
    const flaky: ActivityStub = (input, attempt) => {
      if (attempt < 3) throw new Error('ECONNRESET');
      return activities().unzipBundle!(input, attempt);
    };
    const run = runOrchestrator(download, activities({ unzipBundle: flaky }));
    expect(run.calls.find((c) => c.name === 'unzipBundle')!.attempts).toBe(3);
    expect(finished(run)).toMatchObject({ outcome: 'success' });
  });

  it('reports an activity that threw without a message as an unknown error', () => {
    const run = runOrchestrator(analyze, activities({ analyzeBundle: fault('') }));
    expect(finished(run)).toMatchObject({ error: 'analyze failed after 3 attempts: unknown error' });
  });

  it.each([
    [download, 'downloadBundle', 'download'],
    [download, 'unzipBundle', 'unzip'],
    [rollback, 'rollbackBundle', 'rollback'],
    [download, 'diffBundle', 'diff'],
    [rollback, 'diffBundle', 'diff'],
    [download, 'analyzeBundle', 'analyze'],
    [analyze, 'analyzeBundle', 'analyze'],
  ] as const)('%# ends the task cancelled when %s reports a cancellation', (input, activity, stage) => {
    const run = runOrchestrator(input, activities({ [activity]: refuse('CANCELLED', 'Cancelled by request.') }));
    expect(names(run).slice(-2)).toEqual([activity, 'finishTask']);
    expect(finished(run)).toEqual({ taskId, outcome: 'cancelled', message: `Cancelled during ${stage}`, error: null });
    expect(run.statuses.at(-1)).toMatchObject({ outcome: 'cancelled' });
  });
});

describe('marketDataPipelineOrchestrator for an orchestration started before the diff stage existed', () => {
  it('replays the download plan it started with: no diff, and the slices of that plan', () => {
    const run = runOrchestrator(downloadBeforeDiff, activities());
    expect(names(run)).toEqual(['beginTask', 'downloadBundle', 'unzipBundle', 'analyzeBundle', 'finishTask']);
    expect(run.calls.slice(1, 4).map((call) => (call.input as { slice: unknown }).slice)).toEqual([
      { stage: 'download', from: 0, to: 60 },
      { stage: 'unzip', from: 60, to: 75 },
      { stage: 'analyze', from: 75, to: 99 },
    ]);
    expect(inputOf(run, 'analyzeBundle')).toMatchObject({ previous: { stage: 'unzip' } });
    expect(finished(run)).toMatchObject({ outcome: 'success', message: 'Analysis run 7 (ok): 300 symbols.' });
  });

  it('replays the rollback plan it started with: rollback, then analyze', () => {
    const run = runOrchestrator(rollbackBeforeDiff, activities());
    expect(names(run)).toEqual(['beginTask', 'rollbackBundle', 'analyzeBundle', 'finishTask']);
    expect(inputOf(run, 'analyzeBundle')).toMatchObject({ slice: { stage: 'analyze', from: 10, to: 99 } });
  });
});

describe('marketDataPipelineOrchestrator replaying results recorded by older versions', () => {
  it('hands an untagged download result on to the unzip as a tagged one', () => {
    const untagged = { summary: 'Downloaded 1.0 KiB.', download: archive };
    const run = runOrchestrator(downloadBeforeDiff, activities({ downloadBundle: ok(untagged) }));
    expect(inputOf(run, 'unzipBundle')).toMatchObject({ previous: downloaded });
    expect(finished(run)).toMatchObject({ outcome: 'success', message: 'Analysis run 7 (ok): 300 symbols.' });
  });

  it('ends at an untagged already-current download, which carried no analysis flag at first', () => {
    const run = runOrchestrator(
      downloadBeforeDiff,
      activities({ downloadBundle: ok({ alreadyCurrent: true, summary: 'Current.' }) }),
    );
    expect(names(run)).toEqual(['beginTask', 'downloadBundle', 'finishTask']);
    expect(finished(run)).toMatchObject({ outcome: 'success', message: 'Current.' });
  });

  it('analyses after an untagged already-current download whose analysis was not current', () => {
    const untagged = { alreadyCurrent: true, analysisCurrent: false, summary: 'Not analysed yet.' };
    const run = runOrchestrator(downloadBeforeDiff, activities({ downloadBundle: ok(untagged) }));
    expect(names(run)).toEqual(['beginTask', 'downloadBundle', 'analyzeBundle', 'finishTask']);
    expect(inputOf(run, 'analyzeBundle')).toMatchObject({ previous: { stage: 'download', ...untagged } });
  });

  it('ends with the summary of untagged unzip, rollback and analyze results', () => {
    const run = runOrchestrator(
      rollbackBeforeDiff,
      activities({
        rollbackBundle: ok({ summary: 'Restored.' }),
        analyzeBundle: ok({ summary: 'Run 3 (ok).', runId: 3 }),
      }),
    );
    expect(inputOf(run, 'analyzeBundle')).toMatchObject({ previous: { stage: 'rollback', summary: 'Restored.' } });
    expect(finished(run)).toMatchObject({ outcome: 'success', message: 'Run 3 (ok).' });
    const plain = runOrchestrator(downloadBeforeDiff, activities({ unzipBundle: ok({ summary: 'Installed.' }) }));
    expect(inputOf(plain, 'analyzeBundle')).toMatchObject({ previous: { stage: 'unzip', summary: 'Installed.' } });
  });
});
