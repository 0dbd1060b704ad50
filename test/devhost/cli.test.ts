import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTempDir, fixture, readLines, repoRoot, waitFor } from './devhostTestSupport.js';

// These tests run the compiled CLI (npm test builds first; during development: npx tsc -p tsconfig.build.json).
const cliPath = path.join(repoRoot, 'dist', 'devhost', 'cli.js');

interface CliProcess {
  child: ChildProcess;
  output(): string;
  errors(): string;
  exited: Promise<number | null>;
}

const running: CliProcess[] = [];
const tempDirs: string[] = [];

afterEach(() => {
  for (const cli of running.splice(0)) if (cli.child.exitCode === null) cli.child.kill('SIGKILL');
  for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function runCli(args: string[], env: Record<string, string> = {}): CliProcess {
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

async function waitForReady(cli: CliProcess): Promise<string> {
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

function tempDir(): string {
  const dir = createTempDir();
  tempDirs.push(dir);
  return dir;
}

describe('devhost CLI', () => {
  it('prints the function list and then one readiness line with the real port for --port 0', async () => {
    const data = tempDir();
    const cli = runCli(['--app', fixture('http-app'), '--port', '0', '--data', data]);
    const url = await waitForReady(cli);
    const port = new URL(url).port;
    expect(cli.output()).toContain(`hello: [GET] http://localhost:${port}/api/hello/{name?}`);
    expect(cli.output().indexOf('Functions:')).toBeLessThan(cli.output().indexOf('Host started on'));
    expect(await (await fetch(`${url}/api/hello/cli`)).text()).toBe('Hello cli');
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
  });

  it('rejects bad arguments with a clear message and exit code 1', async () => {
    const cli = runCli(['--port', 'eighty', '--bogus']);
    expect(await cli.exited).toBe(1);
    expect(cli.errors()).toMatch(/--port must be a port number from 0 to 65535, got "eighty"/);
    expect(cli.errors()).toMatch(/unknown argument "--bogus"/);
    expect(cli.errors()).toMatch(/Usage: node dist\/devhost\/cli.js/);
  });

  it('reports an app directory that does not exist', async () => {
    const cli = runCli(['--app', path.join(tempDir(), 'missing'), '--port', '0']);
    expect(await cli.exited).toBe(1);
    expect(cli.errors()).toMatch(/The app directory ".*missing" does not exist/);
  });

  it('shuts down gracefully on SIGTERM: finishes the in-flight request, runs appTerminate, exits 0', async () => {
    const data = tempDir();
    const events = path.join(data, 'events.txt');
    const cli = runCli(['--app', fixture('http-app'), '--port', '0', '--data', data], { FIXTURE_EVENTS_FILE: events });
    const url = await waitForReady(cli);
    const slow = fetch(`${url}/api/slow?ms=1000`);
    await waitFor(() => readLines(events).includes('pre:slow'), 10_000, 'the slow request to start');
    cli.child.kill('SIGTERM');
    const response = await slow;
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('slow done');
    expect(await cli.exited).toBe(0);
    expect(readLines(events).slice(-2)).toEqual(['post:slow:true:ok', 'appTerminate:shared-app-data']);
    expect(cli.output()).toContain('Host stopped.');
    await expect(fetch(`${url}/api/hello`)).rejects.toThrow();
  });

  it('takes the port from $PORT when --port is absent', async () => {
    const cli = runCli(['--app', fixture('esm-app'), '--data', tempDir()], { PORT: '0' });
    const url = await waitForReady(cli);
    expect((await fetch(`${url}/v1/hello/Env`)).status).toBe(200);
    cli.child.kill('SIGINT');
    expect(await cli.exited).toBe(0);
  });
});
