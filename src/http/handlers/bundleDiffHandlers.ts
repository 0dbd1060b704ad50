import { DIFF_CHANGE_FILTERS, DIFF_SORT_KEYS, type StoredDiff } from '../../analysis/diff/readBundleDiffs';
import { ClientMessage } from '../../clientMessages';
import { AppError, ErrorCode } from '../../errors';
import { parseEnumParam, parseIntegerParam, parseStringParam } from '../parseParams';
import type { ApiContext, ApiHandler } from './apiContext';

const SORTS = DIFF_SORT_KEYS.flatMap((key) => [key, `-${key}`]);

/** The newest diff, or the one `diff_id` names; NO_DIFF when there is none. */
function requireDiff(api: ApiContext, query: URLSearchParams): StoredDiff {
  const diffId = parseIntegerParam(query.get('diff_id'), 'diff_id', { min: 1 });
  const diff = api.services.diffs.getDiff(diffId);
  if (diff === null) {
    throw new AppError(
      ErrorCode.NoDiff,
      diffId === undefined ? ClientMessage.noDiff : `There is no bundle diff ${diffId}.`,
    );
  }
  return diff;
}

/** What every diff answer starts with: which installs it compares, and whether it describes the installed bundle. */
function describeDiff(api: ApiContext, diff: StoredDiff) {
  const installed = api.services.bundles.getInstalledBundle();
  return {
    diff_id: diff.diff_id,
    task_id: diff.task_id,
    created_at: diff.created_at,
    seconds: diff.seconds,
    from: diff.from,
    to: diff.to,
    // False while the installed bundle's own diff is missing (say the task was cancelled during the diff).
    matches_bundle: installed !== null && installed.bundle_id === diff.to.bundle_id,
    previous_generation: diff.from !== null,
  };
}

/** GET /api/market-data/bundle/diff?q=&change=&sort=&limit=&offset=&diff_id= : the latest diff and a page of its symbols. */
export const getBundleDiffHandler: ApiHandler = (request, api) => {
  const query = request.query;
  const q = parseStringParam(query.get('q'), 'q', { maxLength: 64 });
  const change = parseEnumParam(query.get('change'), 'change', DIFF_CHANGE_FILTERS);
  const sort = parseEnumParam(query.get('sort'), 'sort', SORTS, { default: '-rows_restated' });
  const limit = parseIntegerParam(query.get('limit'), 'limit', { min: 1, max: 1000, default: 100 });
  const offset = parseIntegerParam(query.get('offset'), 'offset', { min: 0, default: 0 });
  const diff = requireDiff(api, query);
  const page =
    diff.totals === null
      ? { total: 0, items: [] }
      : api.services.diffs.listSymbols(diff.diff_id, { q, change, sort, limit, offset });
  return Promise.resolve({
    status: 200,
    jsonBody: {
      ...describeDiff(api, diff),
      message: diff.from === null ? ClientMessage.firstInstall : null,
      totals: diff.totals,
      total: page.total,
      limit,
      offset,
      symbols: page.items,
    },
  });
};

/** GET /api/market-data/bundle/diff/symbols/{symbol}?diff_id= : one symbol's changes and sample rows. */
export const getBundleDiffSymbolHandler: ApiHandler = (request, api) => {
  const symbol = parseStringParam(request.params.symbol, 'symbol', { maxLength: 64, required: true })!;
  const diff = requireDiff(api, request.query);
  const found = api.services.diffs.getSymbol(diff.diff_id, symbol);
  if (found === null) {
    const why =
      diff.from === null
        ? ClientMessage.firstInstall
        : `${symbol} did not change in this diff (or is in neither bundle).`;
    throw new AppError(ErrorCode.NotFound, why);
  }
  return Promise.resolve({ status: 200, jsonBody: { ...describeDiff(api, diff), ...found } });
};
