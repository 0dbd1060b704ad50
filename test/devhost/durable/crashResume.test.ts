// Durability: the engine runs in a child process (compiled code from dist/), is killed with SIGKILL and restarted.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTempDir, waitFor } from './durableTestHost';

const fixture = join(__dirname, 'fixtures', 'crashHost.js');
const api = '/runtime/webhooks/durabletask';

interface RunningHost {
  child: ChildProcess;
  baseUrl: string;
}

const children: ChildProcess[] = [];
const dirs: string[] = [];

async function startHost(dataDir: string, runsDir: string, hang: boolean): Promise<RunningHost> {
  const child = spawn(process.execPath, [fixture, dataDir, runsDir], {
    env: { ...process.env, HANG_IN_STEP_2: hang ? '1' : '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line !== undefined) resolve((JSON.parse(line) as { port: number }).port);
    });
    child.on('exit', (code) => reject(new Error(`host exited early (${String(code)}): ${stderr}`)));
  });
  return { child, baseUrl: `http://127.0.0.1:${port}` };
}

async function kill(host: RunningHost, signal: NodeJS.Signals): Promise<void> {
  if (host.child.exitCode !== null || host.child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    host.child.once('exit', () => resolve());
    host.child.kill(signal);
  });
}

const runs = (runsDir: string, name: string): number =>
  existsSync(join(runsDir, name)) ? readFileSync(join(runsDir, name), 'utf8').length : 0;

async function waitForOutput(host: RunningHost, id: string): Promise<unknown> {
  return waitFor(
    async () => {
      const res = await fetch(`${host.baseUrl}${api}/instances/${id}`);
      const body = (await res.json()) as { runtimeStatus: string; output: unknown };
      if (body.runtimeStatus === 'Failed') throw new Error(`instance failed: ${JSON.stringify(body.output)}`);
      return body.runtimeStatus === 'Completed' ? body.output : undefined;
    },
    20_000,
    `instance ${id} to complete`,
  );
}

afterEach(() => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('durable engine: crash and restart', () => {
  it('resumes after SIGKILL during an activity: the interrupted activity runs again, finished ones do not', async () => {
    const dataDir = createTempDir();
    const runsDir = createTempDir();
    dirs.push(dataDir, runsDir);
    const first = await startHost(dataDir, runsDir, true);
    const start = await fetch(`${first.baseUrl}${api}/orchestrators/crashChain/crash-1`, { method: 'POST' });
    expect(start.status).toBe(202);
    await waitFor(() => (existsSync(join(runsDir, 'step-2-started')) ? true : undefined), 20_000, 'step 2 to start');
    await kill(first, 'SIGKILL');

    const second = await startHost(dataDir, runsDir, false);
    expect(await waitForOutput(second, 'crash-1')).toEqual(['step 1', 'step 2', 'step 3']);
    expect([runs(runsDir, 'step-1'), runs(runsDir, 'step-2'), runs(runsDir, 'step-3')]).toEqual([1, 2, 1]);
    await kill(second, 'SIGTERM');
  });

  it('re-arms a durable timer that was pending when the process was killed', async () => {
    const dataDir = createTempDir();
    const runsDir = createTempDir();
    dirs.push(dataDir, runsDir);
    const first = await startHost(dataDir, runsDir, false);
    const start = await fetch(`${first.baseUrl}${api}/orchestrators/crashTimer/timer-1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '1500',
    });
    expect(start.status).toBe(202);
    await waitFor(async () => {
      const res = await fetch(`${first.baseUrl}${api}/instances/timer-1`);
      return ((await res.json()) as { runtimeStatus: string }).runtimeStatus === 'Running' ? true : undefined;
    });
    await kill(first, 'SIGKILL');
    expect(runs(runsDir, 'step-10')).toBe(0);

    const second = await startHost(dataDir, runsDir, false);
    expect(await waitForOutput(second, 'timer-1')).toBe('step 10');
    expect(runs(runsDir, 'step-10')).toBe(1);
    await kill(second, 'SIGTERM');
  });
});
