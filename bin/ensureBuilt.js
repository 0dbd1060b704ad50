'use strict';
// Builds the compiled app (dist/) when a TypeScript source is newer than its output, so the `market-data` command and
// `npm run cli` start at once when nothing changed. Also the `prepare` script: a fresh clone builds once on install.
// Plain JavaScript on purpose: it runs before anything is compiled.
const { existsSync, readdirSync, statSync } = require('node:fs');
const { spawnSync } = require('node:child_process');
const { join, relative } = require('node:path');

const ROOT = join(__dirname, '..');
// The folders tsconfig.build.json compiles.
const SOURCE_DIRS = ['src', 'devhost', 'scripts', 'bench'];

/**
 * The first source (path relative to `root`) whose compiled output is missing or older than it or than the build
 * configuration, or null when dist/ is current.
 */
function findStaleSource(root = ROOT) {
  const config = statSync(join(root, 'tsconfig.build.json'), { throwIfNoEntry: false });
  for (const dir of SOURCE_DIRS) {
    const stack = [join(root, dir)];
    while (stack.length > 0) {
      const current = stack.pop();
      if (!existsSync(current)) continue;
      for (const entry of readdirSync(current, { withFileTypes: true })) {
        const path = join(current, entry.name);
        if (entry.isDirectory()) stack.push(path);
        else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) {
          const rel = relative(root, path);
          const output = statSync(join(root, 'dist', rel.replace(/\.ts$/, '.js')), { throwIfNoEntry: false });
          const newest = Math.max(statSync(path).mtimeMs, config ? config.mtimeMs : 0);
          if (!output || output.mtimeMs < newest) return rel;
        }
      }
    }
  }
  return null;
}

/** Runs the TypeScript build when dist/ is stale; a checkout without sources (a deployed package) needs none. */
function ensureBuilt() {
  const stale = findStaleSource();
  if (stale === null) return;
  let tsc;
  try {
    tsc = require.resolve('typescript/bin/tsc', { paths: [ROOT] });
  } catch {
    if (existsSync(join(ROOT, 'dist', 'scripts', 'cli.js'))) return; // no compiler here: use what was built
    process.stderr.write('market-data: dist/ is missing and TypeScript is not installed; run `npm install`.\n');
    process.exit(1);
  }
  process.stderr.write(`market-data: building dist/ (${stale} changed)...\n`);
  const result = spawnSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json')], { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

module.exports = { ensureBuilt, findStaleSource };

if (require.main === module) ensureBuilt();
