import type { SymbolInfo } from './analyzerSetup';
import type { SymbolAnalysis } from './createSymbolAnalyzer';
import type { DayCounts } from './dayCounts';

/** One symbol to analyse: its CSV file, and for rows split out of a long-form file their original line numbers. */
export interface SymbolJob {
  readonly info: SymbolInfo;
  readonly path: string;
  readonly gzip: boolean;
  /** Uint32 line numbers, one per line of `path` (long form only). */
  readonly linesPath?: string;
}

export type WorkerRequest = { type: 'job'; job: SymbolJob } | { type: 'finish' };

export type WorkerReply =
  { type: 'result'; result: SymbolAnalysis } | { type: 'days'; days: DayCounts } | { type: 'error'; message: string };
