import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAppServices, type AppServices } from '../../src/appServices';
import { loadConfig } from '../../src/config';
import type { StageActivityInput } from '../../src/pipeline/pipelineContract';
import { stagePlan } from '../../src/pipeline/stagePlan';
import { createZipWriter } from '../../src/stages/zip/createZipWriter';

const [downloadSlice, unzipSlice] = stagePlan('download');

let dir: string;
let services: AppServices;

beforeEach(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'activities-test-'));
  const archive = path.join(dir, 'bundle.zip');
  const writer = createZipWriter(archive);
  await writer.addFile('VERSION', 'v1');
  await writer.addFile('daily/000001.SZ.csv', 'date,close\n2024-01-02,1.5\n');
  await writer.close();
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

function startDownloadTask(): string {
  const task = services.tasks.createTask({ taskType: 'download', source: 'manual' });
  services.tasks.startTask(task.task_id);
  return task.task_id;
}

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
