import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(__dirname, '..', '..');
const devhostCli = path.join(root, 'dist', 'devhost', 'cli.js');

export interface AppHost {
  /** Origin, e.g. http://127.0.0.1:41234 */
  readonly url: string;
  readonly child: ChildProcess;
  /** Everything the host printed so far (stdout and stderr). */
  output(): string;
  /** Graceful stop (SIGTERM), then SIGKILL if it does not exit in time. */
  stop(): Promise<void>;
  /** Crash it: SIGKILL, no cleanup. */
  kill(): Promise<void>;
}

export interface AppHostOptions {
  readonly dataDir: string;
  /** The function app to host; default the repository (its built `dist/src`). */
  readonly appDir?: string;
  readonly env?: Record<string, string | undefined>;
  readonly startTimeoutMs?: number;
  /** Node options for the host process itself (before the devhost's script), e.g. `--expose-gc`. */
  readonly nodeOptions?: readonly string[];
}

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** Runs the built app under the real devhost CLI in a child process, on an ephemeral loopback port. */
export async function startAppHost(options: AppHostOptions): Promise<AppHost> {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const key of Object.keys(env)) {
    if (key.startsWith('MARKET_DATA_') || key.startsWith('AUTH_') || key === 'PORT' || key === 'NODE_PATH') {
      delete env[key];
    }
  }
  // A schedule that never fires during a test unless the test asks for one.
  Object.assign(env, { MARKET_DATA_HOME: options.dataDir, MARKET_DATA_SCHEDULE: '0 0 0 1 1 *' }, options.env);
  const child = spawn(
    process.execPath,
    [
      ...(options.nodeOptions ?? []),
      devhostCli,
      '--app',
      options.appDir ?? root,
      '--port',
      '0',
      '--data',
      path.join(options.dataDir, 'devhost'),
    ],
    // A hosted app directory is also the working directory, as on Azure (/home/site/wwwroot).
    { env, cwd: options.appDir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let text = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`devhost did not start in time:\n${text}`)),
      options.startTimeoutMs ?? 30_000,
    );
    const onData = (chunk: Buffer): void => {
      text += chunk.toString('utf8');
      const match = /Host started on (http:\/\/[^\s]+)/.exec(text);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1].replace(/\/$/, ''));
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`devhost exited early (${code ?? signal}):\n${text}`));
    });
  });
  return {
    url,
    child,
    output: () => text,
    async stop() {
      child.kill('SIGTERM');
      if (!(await waitForExit(child, 15_000))) {
        child.kill('SIGKILL');
        await waitForExit(child, 5_000);
      }
    },
    async kill() {
      child.kill('SIGKILL');
      await waitForExit(child, 5_000);
    },
  };
}

/** Polls `probe` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function pollUntil<T>(
  probe: () => Promise<T | undefined>,
  { timeoutMs = 30_000, intervalMs = 100, what = 'condition' } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
