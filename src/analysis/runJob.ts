import { readByteRefSync } from './byteRef';
import type { SymbolAnalysis, SymbolAnalyzer } from './createSymbolAnalyzer';
import type { QlibFieldBytes } from './qlib/readQlibRows';
import type { SymbolJob } from './workerMessages';

/** Reads a job's bytes and analyses them; null while the calendar is derived (the result waits for finish). */
export function runJob(analyzer: SymbolAnalyzer, job: SymbolJob): SymbolAnalysis | null {
  if (job.kind === 'qlib') {
    const fields = new Map<string, QlibFieldBytes>();
    for (const { field, data, byteLength } of job.fields) {
      const bytes = readByteRefSync(data);
      fields.set(field, byteLength === undefined ? bytes : { head: bytes, byteLength });
    }
    return analyzer.analyzeQlib(job.info, fields);
  }
  const lines = job.lines === undefined ? undefined : toLineNumbers(readByteRefSync(job.lines));
  return analyzer.analyzeCsv(job.info, readByteRefSync(job.data), lines);
}

/** Original line numbers written next to a spilled long-form symbol (uint32, little-endian). */
function toLineNumbers(bytes: Buffer): Uint32Array {
  const lines = new Uint32Array(bytes.length >>> 2);
  for (let i = 0; i < lines.length; i++) lines[i] = bytes.readUInt32LE(i * 4);
  return lines;
}
