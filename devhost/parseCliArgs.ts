import path from 'node:path';
import { DevhostError, DevhostErrorCode } from './devhostError.js';

export interface CliArgs {
  help: boolean;
  appDir: string;
  port: number;
  /** Undefined: startDevhost falls back to $DEVHOST_DATA_DIR, then `<app>/.devhost`. */
  dataDir: string | undefined;
}

export const usage = `Usage: node dist/devhost/cli.js [--app <dir>] [--port <n>] [--data <dir>]

  --app <dir>    the function app directory (default: the current directory)
  --port <n>     port on 127.0.0.1, 0 for any free port (default: $PORT, else 7071)
  --data <dir>   where durable state and timer status live (default: $DEVHOST_DATA_DIR, else <app>/.devhost)
  --help         show this text`;

function parsePort(text: string, source: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) {
    throw new DevhostError(
      DevhostErrorCode.InvalidArguments,
      `${source} must be a port number from 0 to 65535, got "${text}".`,
    );
  }
  return port;
}

/** Parses `--app`, `--port` and `--data` (also as `--name=value`); every mistake is reported in one error. */
export function parseCliArgs(argv: readonly string[], env: NodeJS.ProcessEnv, cwd: string): CliArgs {
  const values: Record<string, string> = {};
  const problems: string[] = [];
  let help = false;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') {
      help = true;
      continue;
    }
    const match = /^--(app|port|data)(?:=(.*))?$/.exec(arg);
    if (!match?.[1]) {
      problems.push(`unknown argument "${arg}"`);
      continue;
    }
    const value = match[2] ?? argv[i + 1];
    if (match[2] === undefined) i += 1;
    if (value === undefined || value === '' || (match[2] === undefined && value.startsWith('--'))) {
      problems.push(`--${match[1]} needs a value`);
      if (value?.startsWith('--')) i -= 1;
      continue;
    }
    values[match[1]] = value;
  }
  let port = 7071;
  try {
    if (values['port'] !== undefined) port = parsePort(values['port'], '--port');
    else if (env['PORT']) port = parsePort(env['PORT'], 'PORT');
  } catch (error) {
    problems.push((error as Error).message);
  }
  if (problems.length > 0) {
    throw new DevhostError(DevhostErrorCode.InvalidArguments, `Invalid arguments: ${problems.join('; ')}.\n\n${usage}`);
  }
  return {
    help,
    appDir: path.resolve(cwd, values['app'] ?? '.'),
    port,
    dataDir: values['data'] === undefined ? undefined : path.resolve(cwd, values['data']),
  };
}
