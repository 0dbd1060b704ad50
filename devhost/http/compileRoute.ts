import { createConstraintCheck, type ConstraintCheck } from './createConstraintCheck.js';
import { parseRouteTemplate, type RouteParameter, type RouteSegment } from './parseRouteTemplate.js';

export type RouteParams = Record<string, string>;

export interface CompiledRoute {
  readonly template: string;
  /** Per-segment precedence digits: lower sorts first (ASP.NET inbound precedence). */
  readonly precedence: readonly number[];
  /** Route values for decoded path segments, or undefined when the template does not match. */
  match(segments: readonly string[]): RouteParams | undefined;
}

type SegmentMatcher = (segment: string, params: RouteParams) => boolean;

interface CompiledSegment {
  matcher: SegmentMatcher;
  /** The segment is one parameter that may be absent (optional, defaulted or catch-all). */
  lone: RouteParameter | undefined;
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function checksFor(parameter: RouteParameter): ConstraintCheck[] {
  return parameter.constraints.map(createConstraintCheck);
}

function compileSegment(segment: RouteSegment): CompiledSegment {
  const first = segment[0];
  if (segment.length === 1 && first?.kind === 'literal') {
    const text = first.text.toLowerCase();
    return { matcher: (value) => value.toLowerCase() === text, lone: undefined };
  }
  if (segment.length === 1 && first?.kind === 'parameter') {
    const checks = checksFor(first);
    return {
      matcher: (value, params) => {
        if (value === '' || !checks.every((check) => check(value))) return false;
        params[first.name] = value;
        return true;
      },
      lone: first,
    };
  }
  // Complex segment: greedy parameters reproduce ASP.NET's right-to-left literal search ("a.b.c" → "a.b" + "c").
  const parameters: RouteParameter[] = [];
  let source = '';
  segment.forEach((part, index) => {
    if (part.kind === 'literal') {
      const next = segment[index + 1];
      if (next?.kind === 'parameter' && (next.optional || next.defaultValue !== undefined)) return;
      source += escapeRegExp(part.text);
      return;
    }
    parameters.push(part);
    const previous = segment[index - 1];
    if (part.optional || part.defaultValue !== undefined) {
      source += `(?:${previous?.kind === 'literal' ? escapeRegExp(previous.text) : ''}(.+))?`;
    } else source += '(.+)';
  });
  const pattern = new RegExp(`^${source}$`, 'is');
  const checks = parameters.map(checksFor);
  return {
    matcher: (value, params) => {
      const found = pattern.exec(value);
      if (!found) return false;
      return parameters.every((parameter, index) => {
        const captured = found[index + 1] ?? parameter.defaultValue;
        if (captured === undefined) return true;
        if (!(checks[index] ?? []).every((check) => check(captured))) return false;
        params[parameter.name] = captured;
        return true;
      });
    },
    lone: undefined,
  };
}

function precedenceDigit(segment: RouteSegment): number {
  const first = segment[0];
  if (segment.length !== 1 || !first) return 20;
  if (first.kind === 'literal') return 10;
  if (first.catchAll) return 50;
  if (first.optional || first.defaultValue !== undefined) return 45;
  return first.constraints.length > 0 ? 30 : 40;
}

/** Compiles a full template (route prefix included) for matching against decoded path segments. */
export function compileRoute(template: string): CompiledRoute {
  const segments = parseRouteTemplate(template);
  const compiled = segments.map(compileSegment);
  return {
    template,
    precedence: segments.map(precedenceDigit),
    match(pathSegments) {
      const params: RouteParams = {};
      for (let i = 0; i < compiled.length; i += 1) {
        const { matcher, lone } = compiled[i]!;
        if (lone?.catchAll) {
          const rest = pathSegments.slice(i).join('/');
          if (rest === '') {
            if (lone.defaultValue !== undefined) params[lone.name] = lone.defaultValue;
            return params;
          }
          return checksFor(lone).every((check) => check(rest)) ? { ...params, [lone.name]: rest } : undefined;
        }
        const value = pathSegments[i];
        if (value === undefined) {
          if (!lone || !(lone.optional || lone.defaultValue !== undefined)) return undefined;
          if (lone.defaultValue !== undefined) params[lone.name] = lone.defaultValue;
          continue;
        }
        if (!matcher(value, params)) return undefined;
      }
      return pathSegments.length > compiled.length ? undefined : params;
    },
  };
}

/** Orders routes so the most specific template is tried first. */
export function compareRoutePrecedence(a: CompiledRoute, b: CompiledRoute): number {
  const length = Math.max(a.precedence.length, b.precedence.length);
  for (let i = 0; i < length; i += 1) {
    const difference = (a.precedence[i] ?? 0) - (b.precedence[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}
