import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findAzuriteNode, readMinNodeMajor } from '../../../scripts/azurite/findAzuriteNode';

const root = path.resolve(__dirname, '..', '..', '..');
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'azurite-node-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Lays out what `npm install --prefix <dir> node@N` leaves, with an executable that reports `version`. */
function placeNode(cacheDir: string, version: string): string {
  const bin = path.join(cacheDir, 'node_modules', 'node', 'bin');
  mkdirSync(bin, { recursive: true });
  writeFileSync(path.join(bin, 'node'), `#!/bin/sh\necho ${version}\n`);
  chmodSync(path.join(bin, 'node'), 0o755);
  return path.join(bin, 'node');
}

const refuseInstall = (): never => {
  throw new Error('install was not expected');
};

describe('findAzuriteNode', () => {
  it('reads the lowest supported Node major from the installed Azurite', () => {
    expect(readMinNodeMajor(path.join(root, 'node_modules', 'azurite', 'package.json'), 0)).toBe(22);
  });

  it('uses the running Node when Azurite supports it', () => {
    const current = { execPath: '/opt/node24/bin/node', version: 'v24.1.0' };
    expect(findAzuriteNode({ current, minMajor: 22, cacheDir: dir, install: refuseInstall })).toBe(current.execPath);
  });

  it('uses a Node fetched earlier when the running one is too old', () => {
    const cached = placeNode(dir, 'v22.23.3');
    const current = { execPath: process.execPath, version: 'v20.19.0' };
    expect(findAzuriteNode({ current, minMajor: 22, cacheDir: dir, install: refuseInstall })).toBe(cached);
  });

  it('fetches node@22 when the running Node is too old and the cache has none (or an old one)', () => {
    placeNode(dir, 'v21.7.0');
    const installs: string[] = [];
    const lines: string[] = [];
    const found = findAzuriteNode({
      current: { execPath: process.execPath, version: 'v20.19.0' },
      minMajor: 22,
      cacheDir: dir,
      install: (cacheDir, major) => {
        installs.push(`${cacheDir} node@${major}`);
        placeNode(cacheDir, 'v22.23.3');
      },
      log: (line) => lines.push(line),
    });
    expect(found).toBe(path.join(dir, 'node_modules', 'node', 'bin', 'node'));
    expect(installs).toEqual([`${dir} node@22`]);
    expect(lines.join('\n')).toContain('Azurite needs Node 22 or later; this is Node v20.19.0');
  });

  it('says what to install when node@22 cannot be fetched', () => {
    const find = () =>
      findAzuriteNode({
        current: { execPath: process.execPath, version: 'v20.19.0' },
        minMajor: 22,
        cacheDir: dir,
        install: () => {
          throw new Error('registry unreachable');
        },
      });
    expect(find).toThrow(/could not be fetched \(registry unreachable\)\. Run npm run start:func with Node 22\+/);
    expect(find).toThrow(`npm install --prefix ${dir} node@22`);
  });
});
