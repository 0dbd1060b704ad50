import type { AnalyzerSetup, SymbolInfo } from './analyzerSetup';
import type { ByteRef } from './byteRef';
import type { SymbolAnalysis } from './createSymbolAnalyzer';
import type { DayCounts } from './dayCounts';
import type { ErrorCode } from '../errors';

/**
 * One symbol to analyse: its CSV (and, for rows split out of a long-form file, their original line numbers as uint32
 * LE), or its qlib `<field>.day.bin` files by field name.
 */
export type SymbolJob =
  | { readonly kind: 'csv'; readonly info: SymbolInfo; readonly data: ByteRef; readonly lines?: ByteRef }
  | {
      readonly kind: 'qlib';
      readonly info: SymbolInfo;
      /** `byteLength` set: `data` is only the file's first bytes, of a field whose values nothing reads (QlibFieldHead). */
      readonly fields: readonly { readonly field: string; readonly data: ByteRef; readonly byteLength?: number }[];
    };

/**
 * Main thread → worker: `start` (a worker may be started before its analysis is known), jobs, then `finish`. With a
 * derived calendar the worker answers `finish` with the dates it saw, and, once sent the `calendar`, with its waiting
 * results and its per-day tallies. `lowerPriority` lowers the worker thread's priority, for work that runs beside an
 * HTTP API in the same process.
 */
export type WorkerRequest =
  | { type: 'start'; setup: AnalyzerSetup; lowerPriority: boolean }
  | { type: 'job'; job: SymbolJob }
  | { type: 'finish' }
  | { type: 'calendar'; calendar: Int32Array };

export type WorkerReply =
  | { type: 'result'; result: SymbolAnalysis }
  | { type: 'read'; symbol: string }
  | { type: 'dates'; seen: Uint8Array }
  | { type: 'days'; days: DayCounts }
  | { type: 'error'; message: string; code?: ErrorCode };

/** What a worker posts: its replies in the order it made them. */
export type WorkerReplies = WorkerReply[];
