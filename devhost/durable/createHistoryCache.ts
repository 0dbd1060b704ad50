// Keeps each active instance's current-execution history in memory, so an episode neither re-reads SQLite nor
// re-serialises old events: `playedJson` holds the past events already marked IsPlayed, ready to splice.
import type { DurableStore } from './createDurableStore';
import type { HistoryEvent } from './historyEvents';

export interface CachedHistory {
  executionId: string;
  events: HistoryEvent[];
  playedJson: string;
}

export function createHistoryCache(store: DurableStore) {
  const entries = new Map<string, CachedHistory>();

  const toPlayedJson = (events: readonly HistoryEvent[]): string =>
    events.map((event) => JSON.stringify({ ...event, IsPlayed: true })).join(',');

  return {
    get(instanceId: string, executionId: string): CachedHistory {
      const cached = entries.get(instanceId);
      if (cached !== undefined && cached.executionId === executionId) return cached;
      const events = store.readHistory(instanceId);
      const entry = { executionId, events, playedJson: toPlayedJson(events) };
      entries.set(instanceId, entry);
      return entry;
    },
    append(instanceId: string, executionId: string, events: readonly HistoryEvent[]): void {
      const cached = entries.get(instanceId);
      if (cached === undefined || cached.executionId !== executionId || events.length === 0) return;
      cached.events.push(...events);
      const json = toPlayedJson(events);
      cached.playedJson = cached.playedJson === '' ? json : `${cached.playedJson},${json}`;
    },
    drop(instanceId: string): void {
      entries.delete(instanceId);
    },
    clear(): void {
      entries.clear();
    },
  };
}

export type HistoryCache = ReturnType<typeof createHistoryCache>;
