import fs from 'node:fs';
import path from 'node:path';

/** The persisted schedule status of one timer function (ISO 8601 strings, like the host's monitor). */
export interface ScheduleStatus {
  last: string;
  next: string;
  lastUpdated: string;
}

export interface TimerStatusStore {
  read(functionName: string): ScheduleStatus | undefined;
  write(functionName: string, status: ScheduleStatus): void;
}

function isStatus(value: unknown): value is ScheduleStatus {
  const v = value as Partial<ScheduleStatus> | null;
  return typeof v?.last === 'string' && typeof v.next === 'string' && typeof v.lastUpdated === 'string';
}

/**
 * A small JSON file (`timer-status.json` in the data dir) holding every monitored timer's status. Writes go to a
 * temporary file renamed over the old one, so a crash never leaves half a file.
 */
export function createTimerStatusStore(dataDir: string): TimerStatusStore {
  const file = path.join(dataDir, 'timer-status.json');
  let statuses: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    if (typeof parsed === 'object' && parsed !== null) statuses = parsed as Record<string, unknown>;
  } catch {
    // Missing or unreadable: start without history, as the host does with an empty monitor store.
  }
  return {
    read(functionName) {
      const status = statuses[functionName];
      return isStatus(status) ? status : undefined;
    },
    write(functionName, status) {
      statuses = { ...statuses, [functionName]: status };
      fs.mkdirSync(dataDir, { recursive: true });
      const temp = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(temp, `${JSON.stringify(statuses, null, 2)}\n`);
      fs.renameSync(temp, file);
    },
  };
}
