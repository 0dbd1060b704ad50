import { createTaskEventStream } from '../events/createTaskEventStream';
import { decodeEventCursor } from '../events/eventCursor';
import { describeError } from '../toErrorResponse';
import type { ApiHandler } from './apiContext';

/**
 * GET /api/market-data/events : server-sent events of task changes (see createTaskEventStream). `Last-Event-ID`
 * resumes where a previous stream stopped. The stream ends by itself (and at the latest when the token expires).
 */
export const streamEventsHandler: ApiHandler = (request, api) => {
  const lastEventId = request.headers.get('last-event-id');
  const resumeFrom = lastEventId === null || lastEventId.trim() === '' ? null : decodeEventCursor(lastEventId);
  const body = createTaskEventStream({
    feed: api.services.tasks,
    resumeFrom,
    endBy: api.principal.expiresAt.getTime(),
    onError: (error) => api.warn(`event stream ended early: ${describeError(error, { stack: false })}`),
  });
  return Promise.resolve({
    status: 200,
    headers: {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      // Tells nginx-style proxies not to buffer the stream.
      'x-accel-buffering': 'no',
    },
    body,
  });
};
