import { parentPort, workerData } from 'node:worker_threads';
import type { AnalyzerSetup } from './analyzerSetup';
import { createSymbolAnalyzer } from './createSymbolAnalyzer';
import { readDataFileSync, readLineNumbersSync } from './readDataFile';
import type { WorkerReply, WorkerRequest } from './workerMessages';

// Worker thread entry: analyses the symbols it is sent and, when told to finish, returns its per-day tallies.
const port = parentPort;
if (port) {
  const analyzer = createSymbolAnalyzer(workerData as AnalyzerSetup);
  port.on('message', (request: WorkerRequest) => {
    let reply: WorkerReply;
    try {
      if (request.type === 'finish') reply = { type: 'days', days: analyzer.days };
      else {
        const { job } = request;
        const lines = job.linesPath === undefined ? undefined : readLineNumbersSync(job.linesPath);
        reply = { type: 'result', result: analyzer.analyze(job.info, readDataFileSync(job.path, job.gzip), lines) };
      }
    } catch (error) {
      reply = { type: 'error', message: error instanceof Error ? error.message : String(error) };
    }
    port.postMessage(reply);
  });
}
