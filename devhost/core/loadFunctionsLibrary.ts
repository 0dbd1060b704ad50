import { createRequire } from 'node:module';
import path from 'node:path';
import type {
  HttpRequest,
  HttpResponse,
  HttpResponseInit,
  InvocationContext,
  InvocationContextInit,
} from '@azure/functions';
import { DevhostError, DevhostErrorCode } from '../devhostError.js';

/** The classes of one copy of @azure/functions; values built for an app must come from the app's own copy. */
export interface FunctionsLibrary {
  readonly dir: string;
  readonly HttpRequest: new (init: Record<string, unknown>) => HttpRequest;
  readonly HttpResponse: new (init?: HttpResponseInit) => HttpResponse;
  readonly InvocationContext: new (init: InvocationContextInit) => InvocationContext;
  /** Whether this copy builds requests from a WHATWG `nativeRequest` (newer 4.x); older copies need a buffered body. */
  readonly acceptsNativeRequest: boolean;
}

// Feature test rather than a version check: an older copy ignores `nativeRequest` and so drops its headers.
function probeNativeRequest(HttpRequestClass: FunctionsLibrary['HttpRequest']): boolean {
  const url = 'http://127.0.0.1/';
  try {
    const nativeRequest = new Request(url, { headers: { 'x-devhost-probe': '1' } });
    return new HttpRequestClass({ method: 'GET', url, nativeRequest }).headers.get('x-devhost-probe') === '1';
  } catch {
    return false;
  }
}

const cache = new Map<string, FunctionsLibrary>();

/** Loads (from Node's require cache, so the very instance the app uses) the copy in the given package dir. */
export function loadFunctionsLibrary(libraryDir: string): FunctionsLibrary {
  const cached = cache.get(libraryDir);
  if (cached) return cached;
  const exported = createRequire(path.join(libraryDir, 'package.json'))(libraryDir) as Partial<FunctionsLibrary>;
  if (!exported.HttpRequest || !exported.HttpResponse || !exported.InvocationContext) {
    throw new DevhostError(DevhostErrorCode.InvalidApp, `"${libraryDir}" is not a usable copy of @azure/functions.`);
  }
  const library: FunctionsLibrary = {
    dir: libraryDir,
    HttpRequest: exported.HttpRequest,
    HttpResponse: exported.HttpResponse,
    InvocationContext: exported.InvocationContext,
    acceptsNativeRequest: probeNativeRequest(exported.HttpRequest),
  };
  cache.set(libraryDir, library);
  return library;
}

/** The package directory of the @azure/functions copy the app at appDir resolves by normal Node resolution. */
export function resolveAppLibraryDir(appDir: string): string {
  try {
    const entry = createRequire(path.join(appDir, 'package.json')).resolve('@azure/functions');
    // <pkg>/dist/azure-functions.js → <pkg>
    return path.dirname(path.dirname(entry));
  } catch (error) {
    throw new DevhostError(
      DevhostErrorCode.InvalidApp,
      `The app in "${appDir}" cannot resolve @azure/functions; run npm install in the app.`,
      { cause: error },
    );
  }
}
