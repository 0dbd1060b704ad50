import { AppError, ErrorCode } from '../errors';
import type { ProgressCallback, StageLog } from './progress';

/** What every stage receives besides its own options. */
export interface StageContext {
  /** Aborting it makes the stage stop and throw CANCELLED. */
  readonly signal: AbortSignal;
  readonly onProgress: ProgressCallback;
  readonly log: StageLog;
}

export function throwIfCancelled(signal: AbortSignal, what: string): void {
  if (signal.aborted) throw cancelledError(what);
}

export function cancelledError(what: string): AppError {
  return new AppError(ErrorCode.Cancelled, `${what} was cancelled.`);
}
