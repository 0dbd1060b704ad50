import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expandBraces, expandGlob } from '../../../devhost/load/expandGlob.js';
import { createTempDir } from '../devhostTestSupport.js';

let root: string;

beforeAll(() => {
  root = createTempDir();
  for (const file of [
    'index.js',
    'dist/src/functions/b.js',
    'dist/src/functions/a.js',
    'dist/src/functions/a.js.map',
    'dist/src/functions/nested/c.js',
    'dist/src/.hidden.js',
    'dist/node_modules/dep/x.js',
  ]) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), '');
  }
});

afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const relative = (files: string[]): string[] =>
  files.map((file) => path.relative(root, file).split(path.sep).join('/'));

describe('expandGlob', () => {
  it('expands braces, including nested ones, in order', () => {
    expect(expandBraces('src/{index.js,functions/{a,b}.js}')).toEqual([
      'src/index.js',
      'src/functions/a.js',
      'src/functions/b.js',
    ]);
  });

  it('matches a single star within one directory, sorted, skipping dot files', () => {
    expect(relative(expandGlob('dist/src/functions/*.js', root))).toEqual([
      'dist/src/functions/a.js',
      'dist/src/functions/b.js',
    ]);
  });

  it('matches ** across directories but never inside node_modules', () => {
    expect(relative(expandGlob('dist/**/*.js', root))).toEqual([
      'dist/src/functions/a.js',
      'dist/src/functions/b.js',
      'dist/src/functions/nested/c.js',
    ]);
  });

  it('keeps the order of brace alternatives and drops duplicates', () => {
    expect(relative(expandGlob('{index.js,dist/src/functions/*.js,index.js}', root))).toEqual([
      'index.js',
      'dist/src/functions/a.js',
      'dist/src/functions/b.js',
    ]);
  });

  it('reports a missing file or an empty glob with the worker messages', () => {
    expect(() => expandGlob('main.js', root)).toThrow(/File does not exist/);
    expect(() => expandGlob('lib/*.js', root)).toThrow(/Found zero files matching the supplied pattern "lib\/\*.js"/);
  });
});
