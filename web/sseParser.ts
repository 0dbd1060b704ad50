// Server-sent events, parsed as the HTML standard's EventSource does, for a stream read with fetch() (EventSource
// cannot send an Authorization header).

export interface SseEvent {
  readonly event: string;
  readonly data: string;
  /** The last event id seen so far in the stream (what to send as Last-Event-ID), or null. */
  readonly lastEventId: string | null;
}

export interface SseParser {
  /** Feeds decoded text; returns the events it completed. */
  push(chunk: string): SseEvent[];
  /** The `retry:` hint last received, in ms, or null. */
  retryMs(): number | null;
}

export function createSseParser(initialLastEventId: string | null = null): SseParser {
  let buffer = '';
  let eventType = '';
  let data: string[] = [];
  let lastEventId = initialLastEventId;
  let retry: number | null = null;

  function processLine(line: string, out: SseEvent[]): void {
    if (line === '') {
      if (data.length > 0)
        out.push({ event: eventType === '' ? 'message' : eventType, data: data.join('\n'), lastEventId });
      eventType = '';
      data = [];
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') eventType = value;
    else if (field === 'data') data.push(value);
    else if (field === 'id' && !value.includes('\0')) lastEventId = value;
    else if (field === 'retry' && /^\d+$/.test(value)) retry = Number(value);
  }

  return {
    push(chunk) {
      buffer += chunk;
      const out: SseEvent[] = [];
      for (;;) {
        const match = /\r\n|\r|\n/.exec(buffer);
        // A lone \r at the very end may be the first half of \r\n: wait for more.
        if (match === null || (match[0] === '\r' && match.index === buffer.length - 1)) break;
        processLine(buffer.slice(0, match.index), out);
        buffer = buffer.slice(match.index + match[0].length);
      }
      return out;
    },
    retryMs: () => retry,
  };
}
