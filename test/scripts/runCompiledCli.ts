import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

// The compiled CLI: npm test builds dist/ before vitest.
const CLI = join(__dirname, '..', '..', 'dist', 'scripts', 'cli.js');
const run = promisify(execFile);

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `market-data <args>` from dist/ in a new process; a non-zero exit is a result, not a rejection. */
export async function runCompiledCli(args: readonly string[], env?: NodeJS.ProcessEnv): Promise<CliRun> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { env, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as CliRun;
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}
