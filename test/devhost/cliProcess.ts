// Runs the compiled devhost CLI in a child process (npm test builds first; during development:
// npx tsc -p tsconfig.build.json), for tests that need a separate process: signals, exit codes, memory.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { repoRoot, waitFor } from './devhostTestSupport.js';

const cliPath = path.join(repoRoot, 'dist', 'devhost', 'cli.js');

export interface CliProcess {
  child: ChildProcess;
  output(): string;
  errors(): string;
  exited: Promise<number | null>;
}

const running: CliProcess[] = [];

export function runCli(args: string[], env: Record<string, string> = {}): CliProcess {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  delete childEnv['WEBSITE_HOSTNAME'];
  const child = spawn(process.execPath, [cliPath, ...args], {
    cwd: repoRoot,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const cli = { child, output: () => stdout, errors: () => stderr, exited };
  running.push(cli);
  return cli;
}

/** The CLI's URL once it printed its readiness line; fails if it exits first. */
export async function waitForReady(cli: CliProcess): Promise<string> {
  const match = await waitFor(
    () =>
      /Host started on (http:\/\/127\.0\.0\.1:\d+)/.exec(cli.output()) ??
      (cli.child.exitCode !== null ? null : undefined),
    20_000,
    'the readiness line',
  );
  if (!match) throw new Error(`CLI exited early:\n${cli.output()}\n${cli.errors()}`);
  return match[1]!;
}

/** Kills every CLI a test started that is still running (for afterEach). */
export function killRunningClis(): void {
  for (const cli of running.splice(0)) if (cli.child.exitCode === null) cli.child.kill('SIGKILL');
}
