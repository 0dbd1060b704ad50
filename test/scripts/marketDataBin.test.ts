import { execFile, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { writeSyntheticBundleDir } from '../../scripts/bundleGenerator/writeSyntheticBundleDir';
import { createTempDirs } from '../analysis/analysisTestKit';

const ROOT = join(__dirname, '..', '..');
const run = promisify(execFile);
const temp = createTempDirs();
afterEach(() => temp.cleanup());

// bin/ensureBuilt.js is plain JavaScript (it runs before anything is compiled).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { findStaleSource } = require('../../bin/ensureBuilt.js') as { findStaleSource: (root: string) => string | null };

describe('the market-data command', () => {
  it('is declared as the package bin, an executable node script', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      bin: Record<string, string>;
      scripts: Record<string, string>;
    };
    expect(pkg.bin['market-data']).toBe('bin/market-data.js');
    expect(pkg.scripts.prepare).toBe('node bin/ensureBuilt.js');
    const bin = join(ROOT, pkg.bin['market-data'] ?? '');
    expect(readFileSync(bin, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(statSync(bin).mode & 0o111).not.toBe(0);
  });

  it('runs through node_modules/.bin as npm links it, from the compiled code without rebuilding', async () => {
    const dir = temp.make('bin-');
    const bundle = join(dir, 'bundle');
    const expected = await writeSyntheticBundleDir(bundle, { symbols: 9, days: 60, seed: 4 });
    // npm links a package's bin as node_modules/.bin/<name> → ../<package>/<bin path>.
    mkdirSync(join(dir, 'node_modules', '.bin'), { recursive: true });
    symlinkSync(ROOT, join(dir, 'node_modules', 'market-data-tasks'));
    symlinkSync('../market-data-tasks/bin/market-data.js', join(dir, 'node_modules', '.bin', 'market-data'));
    const { stdout, stderr } = await run(
      join(dir, 'node_modules', '.bin', 'market-data'),
      ['analyze', bundle, '--json'],
      {
        cwd: dir,
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    expect(JSON.parse(stdout)).toEqual(expected);
    expect(stderr).not.toMatch(/building dist/);
  });

  it('stops quietly when the reader of its output goes away (`| head`)', async () => {
    const bundle = join(temp.make('pipe-'), 'bundle');
    await writeSyntheticBundleDir(bundle, { symbols: 9, days: 60, seed: 4 });
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'market-data.js'), 'analyze', bundle, '--json'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.destroy(); // the reader is gone before anything was printed
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  it('runs as `npx market-data` in the project', async () => {
    const { stdout } = await run('npx', ['--no-install', 'market-data', '--help'], { cwd: ROOT });
    expect(stdout).toMatch(/^Usage:\n {2}market-data analyze /);
  });

  it('rebuilds only when a source is newer than its compiled output', () => {
    const root = temp.make('stale-');
    mkdirSync(join(root, 'src', 'a'), { recursive: true });
    mkdirSync(join(root, 'dist', 'src', 'a'), { recursive: true });
    writeFileSync(join(root, 'tsconfig.build.json'), '{}');
    writeFileSync(join(root, 'src', 'a', 'x.ts'), 'export const x = 1;');
    expect(findStaleSource(root)).toBe(join('src', 'a', 'x.ts')); // never built
    writeFileSync(join(root, 'dist', 'src', 'a', 'x.js'), 'exports.x = 1;');
    const past = new Date(Date.now() - 60_000);
    utimesSync(join(root, 'tsconfig.build.json'), past, past);
    utimesSync(join(root, 'src', 'a', 'x.ts'), past, past);
    expect(findStaleSource(root)).toBeNull();
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(root, 'src', 'a', 'x.ts'), later, later);
    expect(findStaleSource(root)).toBe(join('src', 'a', 'x.ts'));
  });
});
