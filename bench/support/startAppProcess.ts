import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join, resolve } from 'node:path';

// Compiled to dist/bench/support/: the start script sits at dist/scripts/start.js, the project root above dist/.
const startScript = resolve(__dirname, '..', '..', 'scripts', 'start.js');
const projectRoot = resolve(__dirname, '..', '..', '..');

export interface AppProcess {
  /** Origin, e.g. http://localhost:41234 */
  readonly url: string;
  readonly pid: number;
  readonly dbPath: string;
  stop(): Promise<void>;
}

export interface AppProcessOptions {
  readonly home: string;
  readonly secret: string;
  readonly bundleUrl: string;
  readonly env?: Record<string, string>;
}

/**
 * Runs the app as `npm start` does after its build step (`node dist/scripts/start.js`, the devhost in-process) in a
 * child process on an ephemeral port, with the bench's own data directory, secret and bundle URL.
 */
export async function startAppProcess(options: AppProcessOptions): Promise<AppProcess> {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const key of Object.keys(env)) {
    if (key.startsWith('MARKET_DATA_') || key.startsWith('AUTH_') || key.startsWith('DEVHOST_')) delete env[key];
  }
  Object.assign(env, {
    PORT: '0',
    MARKET_DATA_HOME: options.home,
    AUTH_JWT_SECRET: options.secret,
    MARKET_DATA_BUNDLE_URL: options.bundleUrl,
    // A schedule that does not fire during a bench (1 January, midnight).
    MARKET_DATA_SCHEDULE: '0 0 0 1 1 *',
    ...options.env,
  });
  // Profiling the app, not the bench: e.g. BENCH_APP_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof'.
  const nodeArgs = (process.env.BENCH_APP_NODE_ARGS ?? '').split(' ').filter((arg) => arg !== '');
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, startScript], {
    cwd: projectRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`the app did not start within 60 s:\n${output}`)), 60_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /API on (http:\/\/[^\s/]+)/.exec(output);
      if (match?.[1] === undefined) return;
      clearTimeout(timer);
      // From here on the output is drained unread: a reader that falls behind would stall the app's log writes.
      child.stdout!.off('data', onData);
      child.stderr!.off('data', onData);
      child.stdout!.resume();
      child.stderr!.resume();
      resolveUrl(match[1]);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the app exited (${String(code)}) before serving:\n${output}`));
    });
  });
  return {
    url,
    pid: child.pid!,
    dbPath: join(options.home, 'market_data.sqlite3'),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
