import { describe, expect, it } from 'vitest';
import { createSseParser } from '../../web/sseParser';

describe('the server-sent events parser', () => {
  it('dispatches an event at a blank line with its type, data and the id seen so far', () => {
    const parser = createSseParser();
    expect(parser.push('event: log\nid: 7.1\ndata: {"a":1}\n\n')).toEqual([
      { event: 'log', data: '{"a":1}', lastEventId: '7.1' },
    ]);
    expect(parser.push('data: plain\n\n')).toEqual([{ event: 'message', data: 'plain', lastEventId: '7.1' }]);
  });

  it('joins events split anywhere across chunks, CRLF line ends included', () => {
    const text = 'retry: 2000\r\n: comment\r\nevent: task-status\r\nid: 1.2\r\ndata: x\r\ndata: y\r\n\r\n';
    for (let cut = 0; cut <= text.length; cut += 1) {
      const parser = createSseParser();
      const events = [...parser.push(text.slice(0, cut)), ...parser.push(text.slice(cut))];
      expect(events).toEqual([{ event: 'task-status', data: 'x\ny', lastEventId: '1.2' }]);
      expect(parser.retryMs()).toBe(2000);
    }
  });

  it('ignores comments and events without data, and keeps an id given before a reconnect', () => {
    const parser = createSseParser('3.4');
    expect(parser.push(': heartbeat\n\nevent: nothing\n\n')).toEqual([]);
    expect(parser.push('data: z\n\n')).toEqual([{ event: 'message', data: 'z', lastEventId: '3.4' }]);
  });
});
