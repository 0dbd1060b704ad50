import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAppServices, type AppServices } from '../../src/appServices';
import { loadConfig } from '../../src/config';
import type { StageActivityInput } from '../../src/pipeline/pipelineContract';
import { stagePlan } from '../../src/pipeline/stagePlan';
import { installBundle } from '../../src/stages/unzip/installBundle';
import { restorePreviousBundle } from '../../src/stages/unzip/restorePreviousBundle';
import { syntheticFiles, writeZip } from '../analysis/bundleTrees';
import { createStageTestContext } from '../stages/helpers/stageTestContext';

const [downloadSlice, unzipSlice] = stagePlan('download');
const [rollbackSlice] = stagePlan('rollback');

let dir: string;
let archive: string;
let services: AppServices;

/** Serves a new release: the next download of the configured URL gets this bundle. */
async function publish(version: string, symbols = 4): Promise<void> {
  const next = path.join(dir, `${version}.zip`);
  await writeZip(next, { ...(await syntheticFiles(symbols, 30)), VERSION: version });
  copyFileSync(next, archive);
}

beforeEach(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'activities-test-'));
  archive = path.join(dir, 'bundle.zip');
  await publish('v1');
  services = createAppServices(
    loadConfig({
      MARKET_DATA_HOME: path.join(dir, 'data'),
      MARKET_DATA_BUNDLE_URL: pathToFileURL(archive).href,
      AUTH_JWT_SECRET: 'activities-test-secret-of-at-least-32-bytes',
    }),
  );
});

afterEach(() => {
  services.db.close();
  rmSync(dir, { recursive: true, force: true });
});

function startTask(taskType: 'download' | 'rollback' = 'download', force = false): string {
  const task = services.tasks.createTask({ taskType, source: 'manual', force });
  services.tasks.startTask(task.task_id);
  return task.task_id;
}

const startDownloadTask = () => startTask('download');

/** Runs the download and unzip stages of a new download task and ends it; returns the unzip outcome. */
async function downloadAndInstall(force = false) {
  const taskId = startTask('download', force);
  const { activities } = services;
  const downloaded = await activities.downloadBundle({ taskId, slice: downloadSlice!, previous: null });
  const unzipped = await activities.unzipBundle({
    taskId,
    slice: unzipSlice!,
    previous: downloaded.ok ? downloaded.value : null,
  });
  await activities.finishTask({ taskId, outcome: unzipped.ok ? 'success' : 'failed', message: 'done', error: null });
  return unzipped;
}

const versionIn = (name: 'current' | 'previous') =>
  readFileSync(path.join(services.bundlesDir, name, 'VERSION'), 'utf8');

describe('createActivities under at-least-once delivery', () => {
  it('an unzip redelivered after it installed the bundle and removed the archive succeeds without reinstalling', async () => {
    const taskId = startDownloadTask();
    const { activities } = services;
    const downloaded = await activities.downloadBundle({ taskId, slice: downloadSlice!, previous: null });
    expect(downloaded.ok).toBe(true);
    const unzipInput: StageActivityInput = {
      taskId,
      slice: unzipSlice!,
      previous: downloaded.ok ? downloaded.value : null,
    };
    expect((await activities.unzipBundle(unzipInput)).ok).toBe(true);
    const installed = services.bundles.getInstalledBundle();

    // The host crashed before it recorded the result, so the same call arrives again.
    const again = await activities.unzipBundle(unzipInput);
    expect(again).toMatchObject({ ok: true });
    expect(services.bundles.getInstalledBundle()).toEqual(installed);
    const current = path.join(services.bundlesDir, 'current');
    expect(readFileSync(path.join(current, 'VERSION'), 'utf8')).toBe('v1');
    expect(existsSync(path.join(services.bundlesDir, 'previous'))).toBe(false);
  });

  it('finishTask redelivered after the task ended changes nothing and reports the task as it ended', async () => {
    const taskId = startDownloadTask();
    services.tasks.updateProgress(taskId, 42, 'download', 'halfway');
    const { activities } = services;
    const first = await activities.finishTask({ taskId, outcome: 'cancelled', message: 'Cancelled', error: null });
    expect(first).toEqual({ status: 'cancelled', stage: 'download', progress: 42 });
    const again = await activities.finishTask({ taskId, outcome: 'failed', message: 'late', error: 'late' });
    expect(again).toEqual(first);
    expect(services.tasks.getTask(taskId)).toMatchObject({ status: 'cancelled', error: null });
  });

  it('an unzip redelivered after its swap but before its record records the install without swapping again', async () => {
    expect((await downloadAndInstall()).ok).toBe(true);
    await publish('v2');
    const taskId = startDownloadTask();
    const { activities } = services;
    const downloaded = await activities.downloadBundle({ taskId, slice: downloadSlice!, previous: null });
    const value = downloaded.ok && !downloaded.value.alreadyCurrent ? downloaded.value : null;
    // The crash: this task's swap completed, the host died before the install was recorded.
    await installBundle(
      { archivePath: value!.download.filePath, bundlesDir: services.bundlesDir, swapId: taskId },
      createStageTestContext(),
    );
    const again = await activities.unzipBundle({ taskId, slice: unzipSlice!, previous: value });
    expect(again).toMatchObject({ ok: true, value: { summary: expect.stringMatching(/now recorded/) as unknown } });
    expect([versionIn('current'), versionIn('previous')]).toEqual(['v2', 'v1']);
    const recorded = services.bundles.getInstalledBundle();
    expect(recorded).toMatchObject({ task_id: taskId, layout: 'csv-daily', symbol_count: 4, archive_type: 'zip' });
    expect(services.bundles.getPreviousBundle()?.bundle_id).toBe(recorded!.previous_bundle_id);
  });

  it('a rollback redelivered after its exchange but before its record records it without exchanging back', async () => {
    expect((await downloadAndInstall()).ok).toBe(true);
    await publish('v2');
    expect((await downloadAndInstall()).ok).toBe(true);
    const [v1, v2] = [services.bundles.getPreviousBundle()!, services.bundles.getInstalledBundle()!];
    const taskId = startTask('rollback');
    await restorePreviousBundle(services.bundlesDir, taskId, createStageTestContext());
    const result = await services.activities.rollbackBundle({ taskId, slice: rollbackSlice!, previous: null });
    expect(result.ok).toBe(true);
    expect([versionIn('current'), versionIn('previous')]).toEqual(['v1', 'v2']);
    expect(services.bundles.getInstalledBundle()).toMatchObject({
      task_id: taskId,
      sha256: v1.sha256,
      restored_bundle_id: v1.bundle_id,
      previous_bundle_id: v2.bundle_id,
    });
    expect(services.bundles.findRolledBack(v2.sha256!)).toMatchObject({ rolled_back_by_task_id: taskId });
    // Once more, as a second redelivery: nothing moves.
    expect((await services.activities.rollbackBundle({ taskId, slice: rollbackSlice!, previous: null })).ok).toBe(true);
    expect(versionIn('current')).toBe('v1');
  });

  it('a rollback fails with NO_PREVIOUS_BUNDLE when the previous generation is gone, and changes nothing', async () => {
    expect((await downloadAndInstall()).ok).toBe(true);
    const taskId = startTask('rollback');
    const result = await services.activities.rollbackBundle({ taskId, slice: rollbackSlice!, previous: null });
    expect(result).toMatchObject({ ok: false, code: 'NO_PREVIOUS_BUNDLE' });
    expect(versionIn('current')).toBe('v1');
  });

  it('refuses to install again an archive a rollback replaced, unless the download is forced', async () => {
    expect((await downloadAndInstall()).ok).toBe(true);
    await publish('v2');
    expect((await downloadAndInstall()).ok).toBe(true);
    const rollbackId = startTask('rollback');
    expect(
      (await services.activities.rollbackBundle({ taskId: rollbackId, slice: rollbackSlice!, previous: null })).ok,
    ).toBe(true);
    await services.activities.finishTask({ taskId: rollbackId, outcome: 'success', message: 'ok', error: null });

    const refused = await downloadAndInstall();
    expect(refused).toMatchObject({ ok: false, code: 'BUNDLE_REFUSED' });
    expect(!refused.ok && refused.message).toMatch(new RegExp(`rolled back at .* by task ${rollbackId}`));
    expect(!refused.ok && refused.message).toMatch(/"force": true/);
    expect(versionIn('current')).toBe('v1');
    // Refused for good, so the archive is not kept.
    expect(existsSync(path.join(dir, 'data', 'downloads', 'bundle.zip'))).toBe(false);

    expect((await downloadAndInstall(true)).ok).toBe(true);
    expect([versionIn('current'), versionIn('previous')]).toEqual(['v2', 'v1']);
    expect(services.bundles.getInstalledBundle()).toMatchObject({ forced: 1 });
    // Installed again on purpose, so it is no longer refused.
    expect(services.bundles.findRolledBack(services.bundles.getInstalledBundle()!.sha256!)).toBeNull();
  });
});

describe('createActivities and the checksum sidecar', () => {
  it('logs an unusable sidecar as a WARNING on the task and installs the bundle anyway', async () => {
    writeFileSync(path.join(dir, 'bundle.zip.sha256'), '<html><body>Not found</body></html>\n');
    const taskId = startDownloadTask();
    const downloaded = await services.activities.downloadBundle({ taskId, slice: downloadSlice!, previous: null });
    expect(downloaded.ok).toBe(true);
    const warnings = services.tasks.listLogs(taskId).filter((log) => log.level === 'WARNING');
    expect(warnings).toEqual([
      expect.objectContaining({ stage: 'download', message: expect.stringContaining('is an HTML page') }),
    ]);
  });

  it('fails the download stage as a value when MARKET_DATA_CHECKSUM_SIDECAR=required finds none', async () => {
    services.db.close();
    services = createAppServices(
      loadConfig({
        MARKET_DATA_HOME: path.join(dir, 'data'),
        MARKET_DATA_BUNDLE_URL: pathToFileURL(path.join(dir, 'bundle.zip')).href,
        MARKET_DATA_CHECKSUM_SIDECAR: 'required',
        AUTH_JWT_SECRET: 'activities-test-secret-of-at-least-32-bytes',
      }),
    );
    const taskId = startDownloadTask();
    const downloaded = await services.activities.downloadBundle({ taskId, slice: downloadSlice!, previous: null });
    expect(downloaded).toMatchObject({ ok: false, code: 'DOWNLOAD_FAILED' });
    expect(downloaded.ok ? '' : downloaded.message).toContain('The local checksum file does not exist');
  });
});

describe('createActivities after an upgrade', () => {
  it('installs a download handed on untagged, as an unzip scheduled by an older version receives it', async () => {
    const taskId = startDownloadTask();
    const downloaded = await services.activities.downloadBundle({ taskId, slice: downloadSlice!, previous: null });
    if (!downloaded.ok || downloaded.value.alreadyCurrent) throw new Error('the download did not fetch the archive');
    // Older versions recorded { summary, download } without the stage tag.
    const untagged = JSON.parse(
      JSON.stringify({ summary: downloaded.value.summary, download: downloaded.value.download }),
    ) as StageActivityInput['previous'];
    const unzipped = await services.activities.unzipBundle({ taskId, slice: unzipSlice!, previous: untagged });
    expect(unzipped).toMatchObject({ ok: true, value: { stage: 'unzip' } });
    expect(versionIn('current')).toBe('v1');
  });
});

describe('createActivities and the scratch directory', () => {
  it('splits a long-form bundle in MARKET_DATA_HOME/scratch and first removes what a killed process left there', async () => {
    const current = path.join(services.bundlesDir, 'current');
    mkdirSync(current, { recursive: true });
    writeFileSync(
      path.join(current, 'prices.csv'),
      'symbol,date,open,high,low,close,volume\n' +
        '600000.SH,2024-03-04,10,11,9,10,100\n' +
        '000001.SZ,2024-03-04,10,11,9,10,100\n' +
        '600000.SH,2024-03-05,10,11,9,10.1,100\n',
    );
    const scratch = path.join(dir, 'data', 'scratch');
    // A split left by a process killed an hour ago, one made since this process started, and someone else's file.
    const left = path.join(scratch, 'market-data-long-form-left');
    mkdirSync(left, { recursive: true });
    writeFileSync(path.join(left, '0.csv'), 'symbol,date\n');
    const anHourAgo = new Date(Date.now() - 3_600_000);
    utimesSync(path.join(left, '0.csv'), anHourAgo, anHourAgo);
    utimesSync(left, anHourAgo, anHourAgo);
    mkdirSync(path.join(scratch, 'market-data-diff-in-use'));
    writeFileSync(path.join(scratch, 'notes.txt'), 'not ours');
    utimesSync(path.join(scratch, 'notes.txt'), anHourAgo, anHourAgo);

    // With the system's temporary directory unusable, only a split in the scratch directory can succeed.
    const tmpdir = process.env.TMPDIR;
    process.env.TMPDIR = path.join(dir, 'no-such-directory');
    try {
      const task = services.tasks.createTask({ taskType: 'analyze', source: 'manual', force: false });
      services.tasks.startTask(task.task_id);
      const [analyzeSlice] = stagePlan('analyze');
      const analysed = await services.activities.analyzeBundle({
        taskId: task.task_id,
        slice: analyzeSlice!,
        previous: null,
      });
      expect(analysed).toMatchObject({ ok: true, value: { stage: 'analyze' } });
    } finally {
      if (tmpdir === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = tmpdir;
    }
    expect(services.analysis.getCurrentAnalysis()?.totals).toMatchObject({ symbol_count: 2, rows_written: 3 });
    expect(readdirSync(scratch).sort()).toEqual(['market-data-diff-in-use', 'notes.txt']);
  });
});
