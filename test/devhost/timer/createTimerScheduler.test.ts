import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createTimerScheduler,
  type TimerClock,
  type TimerDefinition,
  type TimerValue,
} from '../../../devhost/timer/createTimerScheduler.js';
import { createTimerStatusStore } from '../../../devhost/timer/createTimerStatusStore.js';
import { parseTimerSchedule } from '../../../devhost/timer/parseTimerSchedule.js';
import { createTempDir } from '../devhostTestSupport.js';

interface FakeClock extends TimerClock {
  /** Moves time forward, running every timer that falls due, in order. */
  advance(ms: number): Promise<void>;
}

const settle = async (): Promise<void> => {
  for (let i = 0; i < 5; i += 1) await new Promise((resolve) => setImmediate(resolve));
};

function createFakeClock(startIso: string): FakeClock {
  let now = new Date(startIso).getTime();
  let nextId = 1;
  const timers = new Map<number, { at: number; callback: () => void }>();
  return {
    now: () => new Date(now),
    setTimeout(callback, ms) {
      const id = nextId++;
      timers.set(id, { at: now + ms, callback });
      return id;
    },
    clearTimeout(handle) {
      timers.delete(handle as number);
    },
    async advance(ms) {
      const target = now + ms;
      for (;;) {
        await settle();
        const due = [...timers.entries()].filter(([, t]) => t.at <= target).sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        timers.delete(due[0]);
        now = Math.max(now, due[1].at);
        due[1].callback();
      }
      now = target;
      await settle();
    },
  };
}

let dataDir: string;
beforeEach(() => {
  dataDir = createTempDir();
});
afterEach(() => {
  fs.rmSync(dataDir, { recursive: true, force: true });
});

function definition(schedule: string, extra: Partial<TimerDefinition> = {}): TimerDefinition {
  const parsed = parseTimerSchedule(schedule, 'UTC');
  return { name: 'job', schedule: parsed, runOnStartup: false, useMonitor: !parsed.isSubMinute, ...extra };
}

function start(clock: FakeClock, timers: TimerDefinition[], calls: TimerValue[]) {
  const scheduler = createTimerScheduler({
    timers,
    clock,
    store: createTimerStatusStore(dataDir),
    invoke: (_name, value) => {
      calls.push(value);
      return Promise.resolve();
    },
    log: () => undefined,
  });
  scheduler.start();
  return scheduler;
}

const persisted = (): Record<string, unknown> =>
  JSON.parse(fs.readFileSync(path.join(dataDir, 'timer-status.json'), 'utf8')) as Record<string, unknown>;

describe('timer scheduler', () => {
  it('fires on schedule with the status the function saw, then persists the new status', async () => {
    const clock = createFakeClock('2024-05-01T09:59:10Z');
    const calls: TimerValue[] = [];
    const scheduler = start(clock, [definition('0 * * * * *')], calls);
    expect(scheduler.nextRun('job')?.toISOString()).toBe('2024-05-01T10:00:00.000Z');
    await clock.advance(49_000);
    expect(calls).toEqual([]);
    await clock.advance(1_000);
    expect(calls).toEqual([
      {
        schedule: { adjustForDST: true },
        scheduleStatus: {
          last: '0001-01-01T00:00:00.000Z',
          next: '2024-05-01T10:00:00.000Z',
          lastUpdated: '2024-05-01T09:59:10.000Z',
        },
        isPastDue: false,
      },
    ]);
    expect(persisted()['job']).toEqual({
      last: '2024-05-01T10:00:00.000Z',
      next: '2024-05-01T10:01:00.000Z',
      lastUpdated: '2024-05-01T10:00:00.000Z',
    });
    await clock.advance(60_000);
    expect(calls.map((c) => c.scheduleStatus?.next)).toEqual(['2024-05-01T10:00:00.000Z', '2024-05-01T10:01:00.000Z']);
    await scheduler.stop(1_000);
  });

  it('invokes once with isPastDue after a restart that missed several occurrences, then resumes', async () => {
    const first = createFakeClock('2024-05-01T09:59:30Z');
    const before: TimerValue[] = [];
    await start(first, [definition('0 * * * * *')], before).stop(0);
    // Down for five minutes: five occurrences were missed.
    const second = createFakeClock('2024-05-01T10:05:30Z');
    const after: TimerValue[] = [];
    const scheduler = start(second, [definition('0 * * * * *')], after);
    await second.advance(0);
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ isPastDue: true, scheduleStatus: { next: '2024-05-01T10:00:00.000Z' } });
    await second.advance(30_000);
    expect(after).toHaveLength(2);
    expect(after[1]).toMatchObject({ isPastDue: false, scheduleStatus: { next: '2024-05-01T10:06:00.000Z' } });
    await scheduler.stop(0);
  });

  it('does not treat an edited schedule as a missed run', async () => {
    const first = createFakeClock('2024-05-01T09:59:30Z');
    const calls: TimerValue[] = [];
    const scheduler = start(first, [definition('0 * * * * *')], calls);
    await first.advance(30_000);
    await scheduler.stop(0);
    const later = createFakeClock('2024-05-01T10:30:00Z');
    const afterEdit: TimerValue[] = [];
    await start(later, [definition('0 0 * * * *')], afterEdit).stop(0);
    expect(afterEdit).toEqual([]);
  });

  it('runs once at start-up with runOnStartup, not past due', async () => {
    const clock = createFakeClock('2024-05-01T09:00:00Z');
    const calls: TimerValue[] = [];
    const scheduler = start(clock, [definition('0 0 3 * * *', { runOnStartup: true })], calls);
    await clock.advance(0);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.isPastDue).toBe(false);
    expect(scheduler.nextRun('job')?.toISOString()).toBe('2024-05-02T03:00:00.000Z');
    await scheduler.stop(0);
  });

  it('does not monitor sub-minute schedules: scheduleStatus is null and nothing is persisted', async () => {
    const clock = createFakeClock('2024-05-01T09:00:00Z');
    const calls: TimerValue[] = [];
    const scheduler = start(clock, [definition('*/5 * * * * *')], calls);
    await clock.advance(10_000);
    expect(calls).toHaveLength(2);
    expect(calls[0]).toEqual({ schedule: { adjustForDST: true }, scheduleStatus: null, isPastDue: false });
    expect(fs.existsSync(path.join(dataDir, 'timer-status.json'))).toBe(false);
    await scheduler.stop(0);
  });

  it('measures TimeSpan intervals between invocations', async () => {
    const clock = createFakeClock('2024-05-01T09:00:00Z');
    const calls: TimerValue[] = [];
    const scheduler = start(clock, [definition('00:10:00')], calls);
    await clock.advance(10 * 60_000);
    await clock.advance(10 * 60_000);
    expect(calls.map((c) => c.scheduleStatus?.next)).toEqual(['2024-05-01T09:10:00.000Z', '2024-05-01T09:20:00.000Z']);
    expect(calls[0]?.schedule.adjustForDST).toBe(false);
    await scheduler.stop(0);
  });
});
