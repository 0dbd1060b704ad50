import fs from 'node:fs';
import path from 'node:path';
import { DevhostError, DevhostErrorCode } from '../devhostError.js';

/** Expands `{a,b}` alternatives (nested allowed) into plain patterns, in order. */
export function expandBraces(pattern: string): string[] {
  const open = pattern.indexOf('{');
  if (open < 0) return [pattern];
  let depth = 0;
  const commas: number[] = [];
  for (let i = open; i < pattern.length; i += 1) {
    const char = pattern[i];
    if (char === '{') depth += 1;
    else if (char === ',' && depth === 1) commas.push(i);
    else if (char === '}' && --depth === 0) {
      const head = pattern.slice(0, open);
      const tail = pattern.slice(i + 1);
      const bounds = [open, ...commas, i];
      const options = bounds.slice(1).map((end, k) => pattern.slice(bounds[k]! + 1, end));
      return options.flatMap((option) => expandBraces(`${head}${option}${tail}`));
    }
  }
  return [pattern];
}

function segmentRegExp(segment: string): RegExp {
  let source = '';
  for (const char of segment) {
    if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

const hasWildcard = (segment: string): boolean => /[*?]/.test(segment);

function listDir(dir: string): fs.Dirent[] {
  try {
    return fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

// Wildcards skip dot entries (globby's default) and `**` never descends into node_modules.
function walk(dir: string, segments: readonly string[], found: string[]): void {
  const [segment, ...rest] = segments;
  if (segment === undefined) {
    if (fs.existsSync(dir) && fs.statSync(dir).isFile()) found.push(dir);
    return;
  }
  if (segment === '**') {
    walk(dir, rest, found);
    for (const entry of listDir(dir)) {
      if (entry.isDirectory() && !entry.name.startsWith('.') && entry.name !== 'node_modules') {
        walk(path.join(dir, entry.name), segments, found);
      }
    }
    return;
  }
  if (!hasWildcard(segment)) {
    walk(path.join(dir, segment), rest, found);
    return;
  }
  const matcher = segmentRegExp(segment);
  const names = listDir(dir)
    .map((entry) => entry.name)
    .filter((name) => !name.startsWith('.') && matcher.test(name))
    .sort();
  for (const name of names) walk(path.join(dir, name), rest, found);
}

/**
 * Files matching a package.json `main` glob relative to cwd (`*`, `?`, `**`, `{a,b}`), in pattern order then
 * path order, without duplicates. Throws the worker's messages when nothing matches.
 */
export function expandGlob(pattern: string, cwd: string): string[] {
  const found: string[] = [];
  for (const expanded of expandBraces(pattern.replace(/\\/g, '/'))) {
    const absolute = path.isAbsolute(expanded);
    const segments = expanded.split('/').filter((s, i) => s !== '' && !(s === '.' && i === 0));
    const matches: string[] = [];
    walk(absolute ? path.parse(expanded).root : cwd, segments, matches);
    found.push(...matches.sort());
  }
  const unique = [...new Set(found)];
  if (unique.length === 0) {
    const isGlob = /[*?{]/.test(pattern);
    throw new DevhostError(
      DevhostErrorCode.InvalidApp,
      isGlob
        ? `Found zero files matching the supplied pattern "${pattern}" in ${cwd}.`
        : `File does not exist: "${path.resolve(cwd, pattern)}" (package.json main).`,
    );
  }
  return unique;
}
