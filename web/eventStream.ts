import { createSseParser } from './sseParser.js';

export type StreamState = 'connecting' | 'live' | 'failed';

export interface EventStreamOptions {
  readonly url: string;
  readonly token: () => string | null;
  readonly onEvent: (name: string, data: unknown) => void;
  readonly onState: (state: StreamState) => void;
  /** The server refused the token (401): the stream stops until `start` is called again. */
  readonly onUnauthorized: () => void;
}

export interface EventStream {
  start(): void;
  stop(): void;
}

const MAX_BACKOFF_MS = 60_000;

/**
 * Reads the server-sent event stream with fetch() and the bearer token, resuming with Last-Event-ID after every
 * end: the server ends each stream after a while on purpose, and a dropped connection is retried with backoff.
 */
export function createEventStream(options: EventStreamOptions): EventStream {
  let controller: AbortController | null = null;
  let lastEventId: string | null = null;

  async function run(signal: AbortSignal): Promise<void> {
    let failures = 0;
    let retryMs = 2_000;
    while (!signal.aborted) {
      const token = options.token();
      if (token === null) return;
      if (failures === 0) options.onState('connecting');
      let ended: 'normally' | 'failed' = 'failed';
      const openedAt = Date.now();
      try {
        const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'text/event-stream' };
        if (lastEventId !== null) headers['last-event-id'] = lastEventId;
        const response = await fetch(options.url, { headers, cache: 'no-store', signal });
        if (response.status === 401) {
          options.onUnauthorized();
          return;
        }
        if (response.status === 400 && lastEventId !== null) {
          // The server no longer understands our cursor: start afresh (the page then resyncs by REST).
          lastEventId = null;
          continue;
        }
        if (!response.ok || response.body === null) throw new Error(`HTTP ${response.status}`);
        options.onState('live');
        failures = 0;
        const parser = createSseParser(lastEventId);
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          for (const event of parser.push(value)) {
            lastEventId = event.lastEventId;
            options.onEvent(event.event, JSON.parse(event.data));
          }
          retryMs = parser.retryMs() ?? retryMs;
        }
        ended = 'normally';
      } catch {
        if (signal.aborted) return;
      }
      if (ended === 'failed') {
        failures += 1;
        options.onState('failed');
        await delay(Math.min(retryMs * 2 ** (failures - 1), MAX_BACKOFF_MS), signal);
      } else if (Date.now() - openedAt < 1_000) {
        // A stream that ends as soon as it opens must not turn into a tight reconnect loop.
        await delay(retryMs, signal);
      }
    }
  }

  return {
    start() {
      controller?.abort();
      const current = new AbortController();
      controller = current;
      void run(current.signal);
    },
    stop() {
      controller?.abort();
      controller = null;
    },
  };
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
