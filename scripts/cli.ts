// People's command line: `market-data` (bin/market-data.js) or `npm run cli -- …`: analyze, diff, make-bundle, submit
// (USAGE).
import { isAppError } from '../src/errors';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { USAGE, UsageError, usageOf } from './cli/usageError';

// Each command's modules load only when it runs, so a command starts without loading the others'.

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  try {
    if (command === '--version' || command === '-v' || command === 'version') {
      process.stdout.write(`market-data ${packageVersion()}\n`);
      return 0;
    }
    if (command === 'help' && rest.length > 0) {
      process.stdout.write(usageOf(rest[0]));
      return 0;
    }
    if (asksForHelp(rest)) {
      process.stdout.write(usageOf(command));
      return 0;
    }
    if (command === 'analyze')
      return await (await import('./cli/analyzeCommand.js')).runAnalyzeCommand(rest, controller.signal);
    else if (command === 'diff')
      return await (await import('./cli/diffCommand.js')).runDiffCommand(rest, controller.signal);
    else if (command === 'make-bundle') await (await import('./cli/makeBundleCommand.js')).runMakeBundleCommand(rest);
    else if (command === 'submit')
      return await (await import('./cli/submitCommand.js')).runSubmitCommand(rest, controller.signal);
    else if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      process.stdout.write(USAGE);
      return command === undefined ? 2 : 0;
    } else throw new UsageError(`Unknown command "${command}".`);
    return 0;
  } catch (error) {
    if (error instanceof UsageError || isParseArgsError(error)) {
      process.stderr.write(`error: ${(error as Error).message}\n\n${usageOf(command)}`);
      return 2;
    }
    if (isAppError(error)) {
      process.stderr.write(`error: ${error.message} (${error.code})\n`);
      return 1;
    }
    process.stderr.write(`error: unexpected failure: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

/** `--help` or `-h` among a command's arguments (before a `--`, after which every argument is a value). */
function asksForHelp(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end < 0 ? args : args.slice(0, end)).some((arg) => arg === '--help' || arg === '-h');
}

/** The version in package.json (two levels above the compiled dist/scripts/cli.js, as in the source tree). */
function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}

/** node:util parseArgs reports unknown options and missing values with ERR_PARSE_ARGS_* codes. */
function isParseArgsError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}

// A reader that stops early (`market-data analyze … --json | head`) closes the pipe: nothing more needs printing.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') process.stderr.write(`error: cannot write the output: ${error.message}\n`);
  process.exit(error.code === 'EPIPE' ? 0 : 1);
});

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
