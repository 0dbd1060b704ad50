import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createTempDir,
  fixture,
  readLines,
  setEnv,
  startTestHost,
  waitFor,
  type TestHost,
} from './devhostTestSupport.js';

let dataDir: string;
let eventsFile: string;
let restoreEnv: () => void;
let host: TestHost | undefined;

beforeEach(() => {
  dataDir = createTempDir();
  eventsFile = path.join(dataDir, 'events.jsonl');
  restoreEnv = setEnv({
    FIXTURE_EVENTS_FILE: eventsFile,
    TICK_SCHEDULE: '*/1 * * * * *',
    WEBSITE_TIME_ZONE: 'UTC',
  });
});

afterEach(async () => {
  await host?.stop();
  host = undefined;
  restoreEnv();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

interface Invocation {
  name: string;
  timer: { isPastDue: boolean; scheduleStatus: { last: string; next: string } | null; schedule: unknown };
}

const invocations = (name: string): Invocation[] =>
  readLines(eventsFile)
    .map((line) => JSON.parse(line) as Invocation)
    .filter((entry) => entry.name === name);

describe('timer triggers', () => {
  it('fires a seconds-level schedule taken from an app setting (%TICK_SCHEDULE%)', async () => {
    host = await startTestHost({ appDir: fixture('timer-app'), dataDir });
    const ticks = await waitFor(() => invocations('tick').length >= 2 && invocations('tick'), 10_000, 'two ticks');
    expect(ticks[0]?.timer).toEqual({ schedule: { adjustForDST: true }, scheduleStatus: null, isPastDue: false });
    expect(
      host.logs.some((line) => /tick: timerTrigger \(schedule: \*\/1 \* \* \* \* \*, next run: /.test(line.message)),
    ).toBe(true);
  });

  it('invokes a monitored timer once with isPastDue after a restart that missed its run', async () => {
    // The status a previous run left: the 03:00 run two days ago happened, yesterday's did not.
    const day = 86_400_000;
    const today3am = new Date(new Date().toISOString().slice(0, 10) + 'T03:00:00Z').getTime();
    const missed = today3am - (today3am > Date.now() ? 2 : 1) * day;
    fs.writeFileSync(
      path.join(dataDir, 'timer-status.json'),
      JSON.stringify({
        daily: {
          last: new Date(missed - day).toISOString(),
          next: new Date(missed).toISOString(),
          lastUpdated: new Date(missed - day).toISOString(),
        },
      }),
    );
    restoreEnv();
    restoreEnv = setEnv({ FIXTURE_EVENTS_FILE: eventsFile, TICK_SCHEDULE: '0 0 0 1 1 *', WEBSITE_TIME_ZONE: 'UTC' });
    host = await startTestHost({ appDir: fixture('timer-app'), dataDir });
    const [run] = await waitFor(() => invocations('daily').length > 0 && invocations('daily'), 5_000, 'daily run');
    expect(run?.timer.isPastDue).toBe(true);
    expect(run?.timer.scheduleStatus?.next).toBe(new Date(missed).toISOString());
    await host.stop();
    host = undefined;
    expect(invocations('daily')).toHaveLength(1);
    const saved = JSON.parse(fs.readFileSync(path.join(dataDir, 'timer-status.json'), 'utf8')) as Record<
      string,
      { next: string }
    >;
    expect(new Date(saved['daily']!.next).getTime()).toBeGreaterThan(Date.now());
  });

  it('lists a timer with an unknown time zone as unavailable instead of failing the host', async () => {
    restoreEnv();
    restoreEnv = setEnv({
      FIXTURE_EVENTS_FILE: eventsFile,
      TICK_SCHEDULE: '0 0 0 1 1 *',
      WEBSITE_TIME_ZONE: 'Mars/Olympus',
    });
    host = await startTestHost({ appDir: fixture('timer-app'), dataDir });
    expect(host.functions.find((fn) => fn.name === 'daily')?.problems.join()).toMatch(
      /Unknown time zone "Mars\/Olympus"/,
    );
  });

  it('lists a timer whose %SETTING% is missing as unavailable', async () => {
    restoreEnv();
    restoreEnv = setEnv({ FIXTURE_EVENTS_FILE: eventsFile, TICK_SCHEDULE: undefined, WEBSITE_TIME_ZONE: 'UTC' });
    host = await startTestHost({ appDir: fixture('timer-app'), dataDir });
    expect(host.functions.find((fn) => fn.name === 'tick')?.problems.join()).toMatch(
      /'%TICK_SCHEDULE%' does not resolve/,
    );
  });
});
