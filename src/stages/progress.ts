/** What a stage reports while it works; the activity layer maps it onto the task's 0–100 scale. */
export interface StageProgress {
  /** Units done so far (bytes downloaded, uncompressed bytes written, symbols analysed, ...). */
  readonly done: number;
  /** Total units when known, else null (for example a download without Content-Length). */
  readonly total: number | null;
  readonly unit: 'bytes' | 'symbols' | 'rows' | 'files';
  /** A short human message, e.g. "12.5 MB of 40.0 MB". */
  readonly message: string;
}

export type ProgressCallback = (progress: StageProgress) => void;

/** Log lines a stage wants on the task (level names match the task log table). */
export type StageLogLevel = 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR';
export type StageLog = (level: StageLogLevel, message: string) => void;
