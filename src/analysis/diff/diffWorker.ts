import { parentPort, workerData } from 'node:worker_threads';
import { isAppError } from '../../errors';
import { DAY_LIMIT } from '../dayNumbers';
import { runDiffJob, type DiffSetup } from './runDiffJob';
import type { DiffWorkerReply, DiffWorkerRequest } from './runDiffJobs';

// Worker thread entry: compares the symbols it is sent; on `finish` returns the days it marked (when tracked).
const port = parentPort;
if (port) {
  const setup = workerData as DiffSetup;
  const marks = setup.trackDays ? { old: new Uint8Array(DAY_LIMIT), new: new Uint8Array(DAY_LIMIT) } : null;
  const post = (reply: DiffWorkerReply): void => port.postMessage(reply);
  port.on('message', (request: DiffWorkerRequest) => {
    try {
      if (request.type === 'job') post({ type: 'result', result: runDiffJob(setup, request.job, marks) });
      else post({ type: 'marks', marks });
    } catch (error) {
      // An AppError keeps its code (a corrupt archive member stays UNSUPPORTED_ARCHIVE); anything else is a message.
      const message = error instanceof Error ? error.message : String(error);
      post({ type: 'error', message, code: isAppError(error) ? error.code : undefined });
    }
  });
}
