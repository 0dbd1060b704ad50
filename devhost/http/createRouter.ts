import { compareRoutePrecedence, compileRoute, type CompiledRoute, type RouteParams } from './compileRoute.js';

export interface RouteDefinition<T> {
  /** Template relative to the route prefix, e.g. "items/{id:int}". */
  route: string;
  /** Upper-case HTTP methods. */
  methods: readonly string[];
  target: T;
}

export interface RouteMatch<T> {
  target: T;
  params: RouteParams;
}

export interface Router<T> {
  /** The best route for method and raw (percent-encoded) path, or undefined (the host answers 404). */
  match(method: string, rawPath: string): RouteMatch<T> | undefined;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Splits a raw URL path into decoded segments; a trailing slash is ignored. */
export function splitPath(rawPath: string): string[] {
  const trimmed = rawPath.replace(/^\/+/, '').replace(/\/+$/, '');
  return trimmed === '' ? [] : trimmed.split('/').map(decodeSegment);
}

/**
 * Functions-host routing: every template lives under the route prefix, precedence decides between templates that
 * match, and a method the function does not accept makes the route not match at all (404, never 405).
 */
export function createRouter<T>(routePrefix: string, definitions: readonly RouteDefinition<T>[]): Router<T> {
  const prefix = routePrefix.replace(/^\/+|\/+$/g, '');
  const compiled: { route: CompiledRoute; methods: Set<string>; target: T }[] = definitions.map((definition) => ({
    route: compileRoute([prefix, definition.route.replace(/^\/+/, '')].filter((p) => p !== '').join('/')),
    methods: new Set(definition.methods.map((m) => m.toUpperCase())),
    target: definition.target,
  }));
  compiled.sort((a, b) => compareRoutePrecedence(a.route, b.route));
  return {
    match(method, rawPath) {
      const segments = splitPath(rawPath);
      const upper = method.toUpperCase();
      for (const entry of compiled) {
        if (!entry.methods.has(upper)) continue;
        const params = entry.route.match(segments);
        if (params) return { target: entry.target, params };
      }
      return undefined;
    },
  };
}
