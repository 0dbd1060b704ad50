import { createSseParser, type SseEvent } from '../../web/sseParser';
import { pollUntil } from './appHost';

export interface EventStreamClient {
  readonly status: number;
  readonly headers: Headers;
  /** Every event received so far. */
  readonly events: SseEvent[];
  /** Comment lines received so far (heartbeats). */
  readonly comments: string[];
  /** Resolves once `predicate` holds for the events received (fails after the deadline). */
  waitFor(predicate: (events: readonly SseEvent[]) => boolean, what: string, timeoutMs?: number): Promise<void>;
  /** Disconnects (like a browser tab closing or a network drop). */
  close(): void;
  /** Resolves when the server ended the stream. */
  readonly ended: Promise<void>;
}

/** Reads GET /api/market-data/events over real HTTP, as the page does (fetch with the bearer token). */
export async function openEventStream(
  baseUrl: string,
  token: string | null,
  lastEventId?: string,
): Promise<EventStreamClient> {
  const controller = new AbortController();
  const headers: Record<string, string> = { accept: 'text/event-stream' };
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (lastEventId !== undefined) headers['last-event-id'] = lastEventId;
  const response = await fetch(`${baseUrl}/api/market-data/events`, { headers, signal: controller.signal });
  const events: SseEvent[] = [];
  const comments: string[] = [];
  const parser = createSseParser(lastEventId ?? null);
  const ended = (async () => {
    if (!response.ok || response.body === null) return;
    const decoder = new TextDecoder();
    try {
      for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
        const text = decoder.decode(chunk, { stream: true });
        comments.push(...text.split('\n').filter((line) => line.startsWith(':')));
        events.push(...parser.push(text));
      }
    } catch {
      // Aborted by close().
    }
  })();
  return {
    status: response.status,
    headers: response.headers,
    events,
    comments,
    waitFor: (predicate, what, timeoutMs = 60_000) =>
      pollUntil(() => Promise.resolve(predicate(events) ? true : undefined), { timeoutMs, intervalMs: 50, what }).then(
        () => undefined,
      ),
    close: () => controller.abort(),
    ended,
  };
}
