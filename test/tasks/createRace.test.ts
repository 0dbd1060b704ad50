import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/openDatabase';
import { createTempDir } from '../db/tempDatabase';

const WORKER = join(__dirname, 'fixtures', 'createRaceWorker.js');
const COMPILED_STORE = join(__dirname, '..', '..', 'dist', 'src', 'tasks', 'taskStore.js');
const ROUNDS = 200;

interface WorkerMessage {
  type: string;
  round?: number;
  won?: boolean;
  taskId?: string;
  code?: string;
  message?: string;
  activeTaskId?: string;
  startedAt?: number;
  endedAt?: number;
}

let temp: ReturnType<typeof createTempDir>;
const children: ChildProcess[] = [];
beforeEach(() => {
  temp = createTempDir('create-race-');
});
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill();
  temp.cleanup();
});

/** Resolves with the child's next message of `type`, or rejects after a deadline or if the child exits. */
function nextMessage(child: ChildProcess, type: string, timeoutMs = 15_000): Promise<WorkerMessage> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: WorkerMessage) => {
      if (message.type !== type) return;
      cleanup();
      resolve(message);
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`worker exited (${code}) while waiting for "${type}"`));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`no "${type}" message within ${timeoutMs} ms`));
    }, timeoutMs);
    function cleanup() {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    }
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

function startWorker(dbPath: string): ChildProcess {
  const child = fork(WORKER, [dbPath], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  children.push(child);
  return child;
}

describe('AC-03 mutex under a real race between two processes', () => {
  it(`exactly one of two processes creating a task at the same instant wins, in each of ${ROUNDS} rounds`, async () => {
    expect(existsSync(COMPILED_STORE), 'run `npm run build` first (npm test does)').toBe(true);
    const dbPath = join(temp.dir, 'race.sqlite3');
    openDatabase(dbPath).close(); // schema in place before the race starts

    const workers = [startWorker(dbPath), startWorker(dbPath)];
    await Promise.all(workers.map((w) => nextMessage(w, 'ready')));

    const wins = [0, 0];
    let overlapping = 0;
    for (let round = 1; round <= ROUNDS; round++) {
      // Barrier: both workers are idle here; both get the same start instant a few ms ahead.
      const results = workers.map((w) => nextMessage(w, 'result'));
      const at = Date.now() + 3;
      for (const w of workers) w.send({ type: 'go', round, at });
      const [a, b] = await Promise.all(results);

      const winners = [a!, b!].filter((r) => r.won);
      expect(winners, `round ${round}: ${JSON.stringify([a, b])}`).toHaveLength(1);
      const winnerIndex = a!.won ? 0 : 1;
      const loser = a!.won ? b! : a!;
      expect(loser.code, `round ${round} loser: ${loser.message}`).toBe('TASK_RUNNING');
      expect(loser.activeTaskId).toBe(winners[0]!.taskId);
      wins[winnerIndex]! += 1;
      if (a!.startedAt! < b!.endedAt! && b!.startedAt! < a!.endedAt!) overlapping += 1;

      const winner = workers[winnerIndex]!;
      const finished = nextMessage(winner, 'finished');
      winner.send({ type: 'finish', taskId: winners[0]!.taskId });
      await finished;
    }

    const exits = workers.map((w) => new Promise((resolve) => w.once('exit', resolve)));
    for (const w of workers) w.send({ type: 'exit' });
    await Promise.all(exits);

    const db = openDatabase(dbPath);
    try {
      const counts = db.prepare('SELECT status, count(*) AS n FROM market_data_tasks GROUP BY status').all();
      expect(counts).toEqual([{ status: 'success', n: ROUNDS }]);
    } finally {
      db.close();
    }
    expect(wins[0]! + wins[1]!).toBe(ROUNDS);
    console.info(
      `create race: worker A won ${wins[0]} rounds, worker B ${wins[1]}; attempts overlapped in time in ${overlapping}`,
    );
  });
});
