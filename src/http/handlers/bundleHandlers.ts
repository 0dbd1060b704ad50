import { isAnalysisOfInstall } from '../../analysis/isAnalysisOfInstall';
import { findRestorableBundle } from '../../bundles/findRestorableBundle';
import { ClientMessage } from '../../clientMessages';
import { AppError, ErrorCode } from '../../errors';
import { parseIntegerParam, parseStringParam } from '../parseParams';
import type { ApiContext, ApiHandler } from './apiContext';

/** The current analysis run, or NO_BUNDLE. */
export function requireAnalysis(api: ApiContext) {
  const analysis = api.services.analysis.getCurrentAnalysis();
  if (analysis === null) throw new AppError(ErrorCode.NoBundle, ClientMessage.noBundle);
  return analysis;
}

/** GET /api/market-data/bundle: the installed bundle and its current analysis totals. */
export const getBundleHandler: ApiHandler = (_request, api) => {
  const installed = api.services.bundles.getInstalledBundle();
  const analysis = api.services.analysis.getCurrentAnalysis();
  if (installed === null && analysis === null) throw new AppError(ErrorCode.NoBundle, ClientMessage.noBundle);
  const previous = findRestorableBundle(api.services.bundles, api.services.bundlesDir);
  return Promise.resolve({
    status: 200,
    jsonBody: {
      source: installed?.source_url ?? null,
      checksum: installed?.sha256 ?? null,
      size_bytes: installed?.size_bytes ?? null,
      archive_type: installed?.archive_type ?? null,
      installed_at: installed?.installed_at ?? null,
      installed_by_task_id: installed?.task_id ?? null,
      // True when a rollback task brought this bundle back (installed_by_task_id is then that task).
      restored: installed !== null && installed.restored_bundle_id !== null,
      analysed_at: analysis?.finishedAt ?? null,
      run_id: analysis?.runId ?? null,
      task_id: analysis?.taskId ?? null,
      status: analysis?.status ?? null,
      format: analysis?.format ?? null,
      calendar_source: analysis?.calendarSource ?? null,
      totals: analysis?.totals ?? null,
      // False when the installed bundle has not been analysed yet (for example a task cancelled during analysis).
      analysis_matches_bundle: isAnalysisOfInstall(analysis, installed),
      // The newest bundle diff (GET /bundle/diff), or null when none is recorded.
      diff_id: api.services.diffs.latestDiffId(),
      // What a rollback would bring back, or null when no earlier generation is kept.
      previous:
        previous === null
          ? null
          : {
              source: previous.source_url,
              checksum: previous.sha256,
              installed_at: previous.installed_at,
              installed_by_task_id: previous.task_id,
            },
    },
  });
};

/** GET /api/market-data/bundle/symbols?q=&limit=&offset=&sort= : per-symbol metrics of the current run. */
export const listBundleSymbolsHandler: ApiHandler = (request, api) => {
  const query = request.query;
  const q = parseStringParam(query.get('q'), 'q', { maxLength: 64 });
  const limit = parseIntegerParam(query.get('limit'), 'limit', { min: 1, max: 1000, default: 100 });
  const offset = parseIntegerParam(query.get('offset'), 'offset', { min: 0, default: 0 });
  const sort = parseStringParam(query.get('sort'), 'sort', { maxLength: 64 }) ?? 'symbol';
  const analysis = requireAnalysis(api);
  const page = api.services.analysis.listSymbolMetrics(analysis.runId, { q, limit, offset, sort });
  return Promise.resolve({
    status: 200,
    jsonBody: { run_id: analysis.runId, total: page.total, limit, offset, symbols: page.items },
  });
};
