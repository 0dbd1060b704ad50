import type { SymbolInfo } from './analyzerSetup';
import type { SymbolAnalysis } from './createSymbolAnalyzer';
import type { DayCounts } from './dayCounts';

/** One symbol to analyse: a file to read, or bytes already in memory (long form). */
export interface SymbolJob {
  readonly info: SymbolInfo;
  readonly path?: string;
  readonly gzip?: boolean;
  readonly bytes?: Uint8Array;
}

export type WorkerRequest = { type: 'job'; job: SymbolJob } | { type: 'finish' };

export type WorkerReply =
  { type: 'result'; result: SymbolAnalysis } | { type: 'days'; days: DayCounts } | { type: 'error'; message: string };
