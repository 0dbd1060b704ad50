import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DevhostError, DevhostErrorCode } from '../devhostError.js';
import { expandGlob } from './expandGlob.js';

interface AppPackageJson {
  main?: unknown;
  type?: unknown;
}

function readPackageJson(appDir: string): AppPackageJson {
  const file = path.join(appDir, 'package.json');
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as AppPackageJson;
  } catch (error) {
    throw new DevhostError(DevhostErrorCode.InvalidApp, `Cannot read ${file}: the app needs a package.json.`, {
      cause: error,
    });
  }
}

// A second host in the same process (tests, restarts) must run the app's modules again, not reuse the cache, so
// the app modules each load adds to the require cache are evicted before the next load.
const appModulesByDir = new Map<string, Set<string>>();

function isAppModule(appDir: string, file: string): boolean {
  const relative = path.relative(appDir, file);
  return !relative.startsWith('..') && !path.isAbsolute(relative) && !relative.split(path.sep).includes('node_modules');
}

const importCounts = new Map<string, number>();

function importFresh(file: string): Promise<unknown> {
  const url = pathToFileURL(file);
  const count = importCounts.get(url.href) ?? 0;
  importCounts.set(url.href, count + 1);
  // ES modules cannot be evicted; a query string makes a repeated load evaluate the entry module again.
  if (count > 0) url.search = `devhost-load=${count}`;
  return import(url.href);
}

/**
 * Loads the app's entry points as the Node worker does: `main` is a file or a glob; a file is an ES
 * module if it ends in .mjs or the package has "type": "module" (and is not .cjs). Returns the files loaded.
 */
export async function loadAppEntryPoints(appDir: string): Promise<string[]> {
  const pkg = readPackageJson(appDir);
  if (pkg.main !== undefined && typeof pkg.main !== 'string') {
    throw new DevhostError(DevhostErrorCode.InvalidApp, 'package.json "main" must be a string (a file or a glob).');
  }
  const files = expandGlob(pkg.main ?? 'index.js', appDir);
  const isModulePackage = pkg.type === 'module';
  const requireFromApp = createRequire(path.join(appDir, 'package.json'));
  for (const key of appModulesByDir.get(appDir) ?? []) delete requireFromApp.cache[key];
  const before = new Set(Object.keys(requireFromApp.cache));
  try {
    for (const file of files) {
      const extension = path.extname(file);
      const isEsm = extension === '.mjs' || (isModulePackage && extension !== '.cjs');
      try {
        if (isEsm) await importFresh(file);
        else requireFromApp(file);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new DevhostError(
          DevhostErrorCode.InvalidApp,
          `Worker was unable to load entry point "${file}": ${reason}`,
          {
            cause: error,
          },
        );
      }
    }
  } finally {
    const added = Object.keys(requireFromApp.cache).filter((key) => !before.has(key) && isAppModule(appDir, key));
    appModulesByDir.set(appDir, new Set(added));
  }
  return files;
}
