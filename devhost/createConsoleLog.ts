import type { DevhostLog, DevhostLogLevel } from './durable/types.js';

const order: Record<DevhostLogLevel, number> = {
  trace: 0,
  debug: 1,
  information: 2,
  warning: 3,
  error: 4,
  critical: 5,
};

/** Parses DEVHOST_LOG_LEVEL-style text into a level, defaulting to information. */
export function parseLogLevel(text: string | undefined): DevhostLogLevel {
  const lower = text?.trim().toLowerCase();
  if (lower === 'info') return 'information';
  if (lower === 'warn') return 'warning';
  return lower !== undefined && lower in order ? (lower as DevhostLogLevel) : 'information';
}

type Stream = Pick<NodeJS.WriteStream, 'write'>;

export interface LineBatcher {
  write(toStderr: boolean, line: string): void;
  /** Writes what is pending now (before output written to the streams directly, such as a readiness line). */
  flush(): void;
}

/**
 * Collects lines and writes them once per turn of the event loop, in order, one write per run of lines for the same
 * stream: stdout and stderr are synchronous for pipes and files, so a write per line (one per HTTP request at
 * information level) would cost a system call each. Whatever is pending is written when the process exits.
 */
export function createLineBatcher(stdout: Stream, stderr: Stream): LineBatcher {
  const pending: { toStderr: boolean; text: string }[] = [];
  let scheduled = false;
  const flush = (): void => {
    scheduled = false;
    for (const chunk of pending.splice(0)) (chunk.toStderr ? stderr : stdout).write(chunk.text);
  };
  process.on('exit', flush);
  return {
    write(toStderr, line) {
      const last = pending[pending.length - 1];
      if (last?.toStderr === toStderr) pending[pending.length - 1] = { toStderr, text: last.text + line };
      else pending.push({ toStderr, text: line });
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    },
    flush,
  };
}

// One batcher per process: every devhost in it writes to the same two streams.
let consoleLines: LineBatcher | undefined;

/** Writes the console log's pending lines now. */
export function flushConsoleLog(): void {
  consoleLines?.flush();
}

/** Timestamped lines like `func start`: warnings and errors to stderr, the rest to stdout. */
export function createConsoleLog(minimum: DevhostLogLevel = 'information'): DevhostLog {
  const lines = (consoleLines ??= createLineBatcher(process.stdout, process.stderr));
  return (level, message) => {
    if (order[level] < order[minimum]) return;
    lines.write(order[level] >= order.warning, `[${new Date().toISOString()}] ${message}\n`);
  };
}
