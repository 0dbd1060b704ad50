import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

interface LockedPackage {
  readonly version?: string;
  readonly dev?: boolean;
  readonly hasInstallScript?: boolean;
}

/**
 * Installs the production dependencies pinned in package-lock.json into `<stagingDir>/node_modules` with
 * `npm ci --omit=dev`, without install scripts or `.bin` links. Native packages then get the binary already built
 * in the project's own node_modules for the Node running this script (building from source takes minutes, and a
 * prebuilt download may be unreachable), and each binary is loaded once in a child process to prove it fits.
 */
export function installProductionModules(root: string, stagingDir: string, log: (line: string) => void): void {
  for (const file of ['package.json', 'package-lock.json']) {
    copyFileSync(path.join(root, file), path.join(stagingDir, file));
  }
  const args = [
    'ci',
    '--omit=dev',
    '--ignore-scripts',
    '--no-bin-links',
    '--no-audit',
    '--no-fund',
    '--prefer-offline',
  ];
  log(`npm ${args.join(' ')}`);
  // Under `npm run`, npm_execpath is the npm that started us; run it with this same Node.
  const npmCli = process.env.npm_execpath;
  const npm = npmCli?.endsWith('.js')
    ? spawnSync(process.execPath, [npmCli, ...args], { cwd: stagingDir, encoding: 'utf8' })
    : spawnSync('npm', args, { cwd: stagingDir, encoding: 'utf8', shell: process.platform === 'win32' });
  if (npm.status !== 0) {
    throw new Error(`npm ci --omit=dev failed (${npm.error?.message ?? `exit ${npm.status}`}):\n${npm.stderr}`);
  }

  const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, LockedPackage>;
  };
  for (const [location, locked] of Object.entries(lock.packages)) {
    if (location === '' || locked.dev === true || locked.hasInstallScript !== true) continue;
    const name = location.slice(location.lastIndexOf('node_modules/') + 'node_modules/'.length);
    const native = NATIVE_PACKAGES[name];
    if (native === undefined) {
      throw new Error(`${name} runs an install script; scripts/package does not know how to package it yet.`);
    }
    checkInstalledVersion(root, location, name, locked);
    const binary = path.join(location, native.binary);
    if (!existsSync(path.join(root, binary))) {
      throw new Error(`${name} has no built binary in node_modules: run \`npm rebuild ${name}\`, then package again.`);
    }
    const problem = describeNativeProblem(name, readFileSync(path.join(root, binary)));
    if (problem !== null) throw new Error(problem);
    mkdirSync(path.dirname(path.join(stagingDir, binary)), { recursive: true });
    copyFileSync(path.join(root, binary), path.join(stagingDir, binary));
    proveLoadable(path.join(stagingDir, location), name, native.probe);
    log(`${binary} (built for Node ${process.version}, ${process.platform}-${process.arch})`);
  }
}

/** The production packages with a native part: the file they load, and code that loads it given `dir`. */
const NATIVE_PACKAGES: Readonly<Record<string, { readonly binary: string; readonly probe: string }>> = {
  'better-sqlite3': {
    binary: 'build/Release/better_sqlite3.node',
    probe: "const Database = require(dir); new Database(':memory:').close();",
  },
};

// Node 24.19 made the header-only node::ObjectWrap register environment cleanup hooks; better-sqlite3 12 compiled
// against those headers aborts the process when the GC finalizes a statement (nodejs/node#65446). Such a binary
// imports RemoveEnvironmentCleanupHook, which better-sqlite3 12 itself never calls.
const OBJECT_WRAP_CLEANUP_SYMBOL = '_ZN4node29RemoveEnvironmentCleanupHookEPN2v87IsolateEPFvPvES3_';

/** Why a native binary must not be deployed, or null when it may. */
export function describeNativeProblem(name: string, binary: Buffer): string | null {
  if (name !== 'better-sqlite3' || !binary.includes(OBJECT_WRAP_CLEANUP_SYMBOL)) return null;
  return (
    'better-sqlite3 was compiled against Node headers (24.19 or later) whose node::ObjectWrap makes it abort ' +
    'in garbage collection (nodejs/node#65446). Deploy on Node 22, or rebuild it against Node 24.18.1 headers ' +
    '(npm rebuild better-sqlite3 --nodedir=<a Node 24.18.1 folder with include/node>), then package again.'
  );
}

function checkInstalledVersion(root: string, location: string, name: string, locked: LockedPackage): void {
  const manifest = path.join(root, location, 'package.json');
  const installed = existsSync(manifest)
    ? (JSON.parse(readFileSync(manifest, 'utf8')) as { version?: string }).version
    : undefined;
  if (installed !== locked.version) {
    throw new Error(
      `node_modules has ${name} ${installed ?? '(missing)'} but package-lock.json pins ${locked.version ?? '?'}: run \`npm ci\` first.`,
    );
  }
}

function proveLoadable(dir: string, name: string, probe: string): void {
  const child = spawnSync(process.execPath, ['-e', `const dir = process.argv[1]; ${probe}`, dir], {
    encoding: 'utf8',
  });
  if (child.status === 0) return;
  const reason = /NODE_MODULE_VERSION \d+/.exec(child.stderr)?.[0] ?? child.stderr.trim().split('\n')[0] ?? '';
  throw new Error(
    `The ${name} binary in node_modules does not load in Node ${process.version} (${reason}). ` +
      `Run \`npm rebuild ${name}\` with this Node, then package again.`,
  );
}
