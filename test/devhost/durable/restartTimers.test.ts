// Durable timers survive a restart of the engine: every pending timer of an instance is re-armed, not only its
// earliest one.
import * as df from 'durable-functions';
import { rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createTempDir, startDurableTestHost, waitFor, waitForTerminal } from './durableTestHost';

/** The durable functions of this file, registered anew for each host through the devhost shim. */
function registerFunctions(): void {
  df.app.orchestration('twoTimers', function* (context) {
    const start = context.df.currentUtcDateTime.getTime();
    yield context.df.Task.all([
      context.df.createTimer(new Date(start + 3_600_000)),
      context.df.createTimer(new Date(start + 7_200_000)),
    ]);
    return 'both fired';
  });
}

describe('durable engine: timers across a restart', () => {
  it('fires every pending timer of an instance after a restart, not only the earliest', async () => {
    const dataDir = createTempDir();
    let offsetMs = 0;
    const now = () => new Date(Date.now() + offsetMs);
    try {
      const first = await startDurableTestHost({ register: registerFunctions, dataDir, now });
      let id: string;
      try {
        id = await first.client.startNew('twoTimers');
        await waitFor(async () =>
          (await first.client.getStatus(id)).runtimeStatus === df.OrchestrationRuntimeStatus.Running ? true : undefined,
        );
      } finally {
        await first.close();
      }
      const second = await startDurableTestHost({ register: registerFunctions, dataDir, now });
      try {
        offsetMs = 3_700_000;
        await waitFor(async () => {
          const res = await fetch(`${second.baseUrl}/runtime/webhooks/durabletask/instances/${id}?showHistory=true`);
          const status = (await res.json()) as { historyEvents?: { EventType: string }[] };
          return status.historyEvents?.some((e) => e.EventType === 'TimerFired') === true ? true : undefined;
        });
        offsetMs = 7_300_000;
        expect((await waitForTerminal(second.client, id, 5000)).output).toBe('both fired');
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
