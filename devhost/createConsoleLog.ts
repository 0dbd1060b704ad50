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

/** Timestamped lines like `func start`: warnings and errors to stderr, the rest to stdout. */
export function createConsoleLog(minimum: DevhostLogLevel = 'information'): DevhostLog {
  return (level, message) => {
    if (order[level] < order[minimum]) return;
    const line = `[${new Date().toISOString()}] ${message}\n`;
    if (order[level] >= order.warning) process.stderr.write(line);
    else process.stdout.write(line);
  };
}
