import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export interface FindAzuriteNodeOptions {
  /** The Node running this script. */
  readonly current: { readonly execPath: string; readonly version: string };
  /** Lowest Node major Azurite supports (from its package.json `engines`). */
  readonly minMajor: number;
  /** Where a fetched Node is kept between runs. */
  readonly cacheDir: string;
  /** Installs `node@<major>` from the npm registry into cacheDir; throws when it cannot. */
  readonly install?: (cacheDir: string, major: number) => void;
  readonly log?: (line: string) => void;
}

/**
 * A Node that Azurite supports: the running one when it is new enough, else the npm registry's `node` package at
 * the lowest supported major, installed once under cacheDir. Throws with what to install when neither works.
 */
export function findAzuriteNode(options: FindAzuriteNodeOptions): string {
  const { current, minMajor, cacheDir } = options;
  if (majorOf(current.version) >= minMajor) return current.execPath;
  const cached = path.join(cacheDir, 'node_modules', 'node', 'bin', 'node');
  if (!qualifies(cached, minMajor)) {
    options.log?.(
      `Azurite needs Node ${minMajor} or later; this is Node ${current.version}. ` +
        `Fetching node@${minMajor} from the npm registry into ${cacheDir} (once)...`,
    );
    try {
      (options.install ?? installNodePackage)(cacheDir, minMajor);
    } catch (error) {
      throw new Error(
        `Azurite needs Node ${minMajor} or later, and node@${minMajor} could not be fetched ` +
          `(${error instanceof Error ? error.message : String(error)}). Run npm run start:func with Node ${minMajor}+, ` +
          `or run: npm install --prefix ${cacheDir} node@${minMajor}`,
        { cause: error },
      );
    }
    if (!qualifies(cached, minMajor)) {
      throw new Error(`node@${minMajor} was installed into ${cacheDir} but ${cached} is not a Node ${minMajor}+.`);
    }
  }
  return cached;
}

/** The lowest major of a `>=22.0.0`-style engines range, or the fallback when it has another form. */
export function readMinNodeMajor(packageJsonPath: string, fallback: number): number {
  const manifest = JSON.parse(readFileSync(packageJsonPath, 'utf8')) as { engines?: { node?: string } };
  const match = /^>=\s*(\d+)/.exec(manifest.engines?.node ?? '');
  return match?.[1] === undefined ? fallback : Number(match[1]);
}

function majorOf(version: string): number {
  return Number(/^v?(\d+)/.exec(version)?.[1] ?? 0);
}

function qualifies(node: string, minMajor: number): boolean {
  if (!existsSync(node)) return false;
  const probe = spawnSync(node, ['--version'], { encoding: 'utf8' });
  return probe.status === 0 && majorOf(probe.stdout.trim()) >= minMajor;
}

function installNodePackage(cacheDir: string, major: number): void {
  const result = spawnSync('npm', ['install', '--prefix', cacheDir, '--no-audit', '--no-fund', `node@${major}`], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (result.status !== 0) throw new Error(result.error?.message ?? `npm exited with ${result.status}`);
}
