import { DevhostError, DevhostErrorCode } from '../devhostError.js';

/** One `{…}` route parameter of an ASP.NET Core route template. */
export interface RouteParameter {
  kind: 'parameter';
  name: string;
  optional: boolean;
  catchAll: boolean;
  defaultValue: string | undefined;
  constraints: RouteConstraintSpec[];
}

export interface RouteConstraintSpec {
  name: string;
  args: string[];
}

export interface RouteLiteral {
  kind: 'literal';
  text: string;
}

export type RoutePart = RouteLiteral | RouteParameter;

/** A path segment: one literal, one parameter, or a complex mix such as `{file}.{ext}`. */
export type RouteSegment = RoutePart[];

function invalid(template: string, reason: string): DevhostError {
  return new DevhostError(DevhostErrorCode.InvalidConfig, `Invalid route template "${template}": ${reason}.`);
}

// Reads `name[:constraint[(args)]]…[?|=default]` from the text between braces.
function parseParameter(body: string, template: string): RouteParameter {
  let rest = body;
  let catchAll = false;
  if (rest.startsWith('**')) [catchAll, rest] = [true, rest.slice(2)];
  else if (rest.startsWith('*')) [catchAll, rest] = [true, rest.slice(1)];
  const nameMatch = /^[^:?=]+/.exec(rest);
  if (!nameMatch) throw invalid(template, `parameter "{${body}}" has no name`);
  const name = nameMatch[0];
  rest = rest.slice(name.length);
  const constraints: RouteConstraintSpec[] = [];
  while (rest.startsWith(':')) {
    const constraintName = /^:([A-Za-z]+)/.exec(rest);
    if (!constraintName?.[1]) throw invalid(template, `bad constraint in "{${body}}"`);
    rest = rest.slice(constraintName[0].length);
    let args: string[] = [];
    if (rest.startsWith('(')) {
      let depth = 0;
      let end = -1;
      for (let i = 0; i < rest.length; i += 1) {
        if (rest[i] === '(') depth += 1;
        else if (rest[i] === ')' && --depth === 0) {
          end = i;
          break;
        }
      }
      if (end < 0) throw invalid(template, `unclosed "(" in "{${body}}"`);
      const inner = rest.slice(1, end);
      args = constraintName[1].toLowerCase() === 'regex' ? [inner] : inner.split(',').map((a) => a.trim());
      rest = rest.slice(end + 1);
    }
    constraints.push({ name: constraintName[1].toLowerCase(), args });
  }
  let optional = false;
  let defaultValue: string | undefined;
  if (rest === '?') optional = true;
  else if (rest.startsWith('=')) defaultValue = rest.slice(1);
  else if (rest !== '') throw invalid(template, `unexpected "${rest}" in "{${body}}"`);
  return { kind: 'parameter', name, optional, catchAll, defaultValue, constraints };
}

function parseSegment(segment: string, template: string): RouteSegment {
  const parts: RoutePart[] = [];
  let literal = '';
  let i = 0;
  while (i < segment.length) {
    const char = segment[i];
    if (char === '{' && segment[i + 1] === '{') {
      literal += '{';
      i += 2;
    } else if (char === '}' && segment[i + 1] === '}') {
      literal += '}';
      i += 2;
    } else if (char === '{') {
      // `{{` and `}}` inside a parameter are escaped braces (regex quantifiers); a single `}` ends it.
      let j = i + 1;
      let body = '';
      while (j < segment.length && !(segment[j] === '}' && segment[j + 1] !== '}')) {
        if ((segment[j] === '}' || segment[j] === '{') && segment[j + 1] === segment[j]) j += 1;
        body += segment[j];
        j += 1;
      }
      if (j >= segment.length) throw invalid(template, 'unclosed "{"');
      if (literal) parts.push({ kind: 'literal', text: literal });
      literal = '';
      parts.push(parseParameter(body, template));
      i = j + 1;
    } else if (char === '}') {
      throw invalid(template, 'unmatched "}"');
    } else {
      literal += char;
      i += 1;
    }
  }
  if (literal) parts.push({ kind: 'literal', text: literal });
  return parts;
}

/** Parses a route template (without leading slash) into segments, validating catch-all and optional placement. */
export function parseRouteTemplate(template: string): RouteSegment[] {
  const trimmed = template.replace(/^\/+|\/+$/g, '');
  if (trimmed === '') return [];
  const segments = trimmed.split('/').map((segment) => {
    if (segment === '') throw invalid(template, 'empty segment');
    return parseSegment(segment, template);
  });
  const names = new Set<string>();
  segments.forEach((segment, index) => {
    for (const part of segment) {
      if (part.kind !== 'parameter') continue;
      const key = part.name.toLowerCase();
      if (names.has(key)) throw invalid(template, `parameter "${part.name}" appears twice`);
      names.add(key);
      if (part.catchAll && (index !== segments.length - 1 || segment.length > 1)) {
        throw invalid(template, 'a catch-all parameter must be the whole last segment');
      }
    }
  });
  return segments;
}
