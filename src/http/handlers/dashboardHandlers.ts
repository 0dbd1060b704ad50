import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { AppError, ErrorCode } from '../../errors';
import {
  createDashboardFiles,
  findAppRoot,
  type DashboardFile,
  type DashboardFiles,
} from '../dashboard/dashboardFiles';
import { DASHBOARD_SECURITY_HEADERS } from '../dashboard/securityHeaders';

let files: DashboardFiles | undefined;

function dashboardFiles(): DashboardFiles {
  return (files ??= createDashboardFiles(findAppRoot(__dirname)));
}

/** GET /api/market-data/dashboard : the page. No token: the page asks for one and sends it with every API call. */
export function serveDashboardPage(request: HttpRequest): Promise<HttpResponseInit> {
  return Promise.resolve(respondWithFile(request, dashboardFiles().page()));
}

/** GET /api/market-data/dashboard/assets/{name} : the page's scripts, stylesheet and icon, by an allow-list. */
export function serveDashboardAsset(request: HttpRequest): Promise<HttpResponseInit> {
  const file = dashboardFiles().asset(request.params.name ?? '');
  if (file === null) throw new AppError(ErrorCode.NotFound, 'No such dashboard file.');
  return Promise.resolve(respondWithFile(request, file));
}

function respondWithFile(request: HttpRequest, file: DashboardFile): HttpResponseInit {
  // no-cache = "revalidate every time": a new deployment shows at once, and an unchanged file costs a 304.
  const headers: Record<string, string> = {
    ...DASHBOARD_SECURITY_HEADERS,
    'content-type': file.contentType,
    'cache-control': 'no-cache',
    etag: file.etag,
    vary: 'Accept-Encoding',
  };
  const candidates = (request.headers.get('if-none-match') ?? '').split(',').map((tag) => tag.trim());
  if (candidates.includes(file.etag) || candidates.includes('*')) return { status: 304, headers };
  const gzipped = /\bgzip\b/i.test(request.headers.get('accept-encoding') ?? '') ? file.gzipped : null;
  if (gzipped !== null) headers['content-encoding'] = 'gzip';
  return { status: 200, headers, body: gzipped ?? file.body };
}
