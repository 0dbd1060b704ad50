import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { killRunningClis, runCli, waitForReady } from './cliProcess.js';
import { createTempDir, fixture, readLines, waitFor } from './devhostTestSupport.js';

const tempDirs: string[] = [];

afterEach(() => {
  killRunningClis();
  for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

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
