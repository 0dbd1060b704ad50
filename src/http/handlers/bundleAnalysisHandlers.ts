import { CheckCode } from '../../analysis/checkCodes';
import { parseEnumParam, parseIntegerParam, parseStringParam } from '../parseParams';
import type { ApiHandler } from './apiContext';
import { requireAnalysis } from './bundleHandlers';

/** GET /api/market-data/bundle/days : every trading day of the current run with its symbol count and flags. */
export const listBundleDaysHandler: ApiHandler = (_request, api) => {
  const analysis = requireAnalysis(api);
  return Promise.resolve({
    status: 200,
    jsonBody: { run_id: analysis.runId, days: api.services.analysis.listDayStats(analysis.runId) },
  });
};

/** GET /api/market-data/bundle/findings?symbol=&check=&limit=&offset= : finding samples of the current run. */
export const listBundleFindingsHandler: ApiHandler = (request, api) => {
  const query = request.query;
  const symbol = parseStringParam(query.get('symbol'), 'symbol', { maxLength: 64 });
  const check = parseEnumParam(query.get('check')?.toUpperCase(), 'check', Object.values(CheckCode));
  const limit = parseIntegerParam(query.get('limit'), 'limit', { min: 1, max: 500, default: 50 });
  const offset = parseIntegerParam(query.get('offset'), 'offset', { min: 0, default: 0 });
  const analysis = requireAnalysis(api);
  const page = api.services.analysis.listFindings(analysis.runId, { symbol, check, limit, offset });
  return Promise.resolve({
    status: 200,
    jsonBody: { run_id: analysis.runId, total: page.total, limit, offset, findings: page.items, checks: page.checks },
  });
};
