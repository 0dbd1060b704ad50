import { parentPort } from 'node:worker_threads';
import { isAppError } from '../errors';
import { createSymbolAnalyzer, type SymbolAnalyzer } from './createSymbolAnalyzer';
import { lowerThreadPriority } from './lowerThreadPriority';
import { runJob } from './runJob';
import type { WorkerReplies, WorkerReply, WorkerRequest } from './workerMessages';

// Nice 10 gives a thread about a tenth of the CPU share of one at nice 0 when both want a core, and all of it when
// the main thread is idle; measured while a 5 M-row analysis ran, it lowered the main thread's p99 timer lateness.
const WORKER_NICE_INCREMENT = 10;
// Replies per message at most; the main thread keeps more jobs than this queued at each worker.
const REPLY_BATCH = 4;

// Worker thread entry: analyses the symbols it is sent; on `finish` returns its per-day tallies or, while the
// calendar is derived, the dates it saw, and then its waiting results once the calendar arrives.
const port = parentPort;
if (port) {
  let analyzer: SymbolAnalyzer | null = null;
  // Replies go out in small batches: each message costs both threads more than the result in it. A batch is sent
  // when full, or once the jobs already queued here have been analysed (setImmediate runs after them).
  const outbox: WorkerReply[] = [];
  let flushing = false;
  const flush = (): void => {
    flushing = false;
    if (outbox.length > 0) port.postMessage(outbox.splice(0) satisfies WorkerReplies);
  };
  const post = (reply: WorkerReply): void => {
    outbox.push(reply);
    if (outbox.length >= REPLY_BATCH) flush();
    else if (!flushing) {
      flushing = true;
      setImmediate(flush);
    }
  };
  port.on('message', (request: WorkerRequest) => {
    try {
      if (request.type === 'start') {
        // In the service the analysis is batch work beside an HTTP API in the same process: on a busy machine the
        // main thread's answers go first and the analysis takes the CPU that is left (this thread only; the main
        // thread keeps its priority). The command line has no one to yield to.
        if (request.lowerPriority) lowerThreadPriority(WORKER_NICE_INCREMENT);
        analyzer = createSymbolAnalyzer(request.setup);
      } else if (analyzer === null) {
        throw new Error(`An analysis worker was sent "${request.type}" before "start".`);
      } else if (request.type === 'job') {
        const result = runJob(analyzer, request.job);
        post(result ? { type: 'result', result } : { type: 'read', symbol: request.job.info.symbol });
      } else if (request.type === 'finish') {
        const days = analyzer.days();
        post(days ? { type: 'days', days } : { type: 'dates', seen: analyzer.seenDays });
      } else {
        for (const result of analyzer.finish(request.calendar)) post({ type: 'result', result });
        post({ type: 'days', days: analyzer.days()! });
      }
    } catch (error) {
      // An AppError keeps its code (a corrupt archive member stays UNSUPPORTED_ARCHIVE); anything else is a message.
      if (isAppError(error)) post({ type: 'error', message: error.message, code: error.code });
      else post({ type: 'error', message: error instanceof Error ? error.message : String(error) });
    }
  });
}
