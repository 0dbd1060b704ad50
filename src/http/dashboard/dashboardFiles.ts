import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

/** One file the dashboard serves, read once: a deployment never changes its files while it runs. */
export interface DashboardFile {
  readonly contentType: string;
  readonly body: Buffer;
  /** The body gzipped, when that is worth it (text of a few KB and more). */
  readonly gzipped: Buffer | null;
  /** Strong validator: a hash of the body. */
  readonly etag: string;
}

export interface DashboardFiles {
  /** The page itself. */
  page(): DashboardFile;
  /** An asset by its public name, or null when the name is not on the list. */
  asset(name: string): DashboardFile | null;
}

const JS = 'text/javascript; charset=utf-8';
/** A module name as tsc emits it for a web/*.ts file: nothing that could walk out of the directory. */
const MODULE_NAME = /^[A-Za-z][A-Za-z0-9]*\.js$/;

/**
 * The files of the dashboard, by an allow-list: a request names an entry of this list and is never joined to a
 * path. Sources: the static files in `web/`, the page's modules compiled by tsc into `dist/web/`, and ECharts from
 * the installed package (both ship with a Functions deployment: .funcignore drops only the TypeScript sources).
 */
export function createDashboardFiles(appRoot: string): DashboardFiles {
  const listed = new Map<string, { file: string; contentType: string }>([
    ['dashboard.css', { file: path.join(appRoot, 'web', 'dashboard.css'), contentType: 'text/css; charset=utf-8' }],
    ['favicon.svg', { file: path.join(appRoot, 'web', 'favicon.svg'), contentType: 'image/svg+xml' }],
    ['echarts.js', { file: require.resolve('echarts/dist/echarts.common.min.js'), contentType: JS }],
  ]);
  const modulesDir = path.join(appRoot, 'dist', 'web');
  if (existsSync(modulesDir)) {
    for (const name of readdirSync(modulesDir)) {
      if (MODULE_NAME.test(name)) listed.set(name, { file: path.join(modulesDir, name), contentType: JS });
    }
  }
  const pageFile = path.join(appRoot, 'web', 'index.html');
  const loaded = new Map<string, DashboardFile>();

  function load(key: string, file: string, contentType: string): DashboardFile {
    let entry = loaded.get(key);
    if (entry === undefined) {
      const body = readFileSync(file);
      const worthZipping = !contentType.startsWith('image/') && body.length >= 1024;
      const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
      entry = { contentType, body, gzipped: worthZipping ? gzipSync(body) : null, etag };
      loaded.set(key, entry);
    }
    return entry;
  }

  return {
    page: () => load('', pageFile, 'text/html; charset=utf-8'),
    asset(name) {
      const item = listed.get(name);
      return item === undefined ? null : load(name, item.file, item.contentType);
    },
  };
}

/** The app's root: the nearest directory above this module that holds package.json (dist/ or not). */
export function findAppRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${start}`);
  }
}
