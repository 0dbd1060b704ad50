#!/usr/bin/env node
// `node dist/devhost/cli.js --app <dir> [--port <n>] [--data <dir>]`: runs a Functions app without Core Tools.
import { DevhostError } from './devhostError.js';
import { parseCliArgs, usage } from './parseCliArgs.js';
import { startDevhost } from './startDevhost.js';

function describeError(error: unknown): string {
  if (error instanceof DevhostError) {
    const cause = error.cause instanceof Error ? `\n${error.cause.stack ?? error.cause.message}` : '';
    return `${error.message}${cause}`;
  }
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

async function main(): Promise<void> {
  const args = parseCliArgs(process.argv.slice(2), process.env, process.cwd());
  if (args.help) {
    process.stdout.write(`${usage}\n`);
    return;
  }
  const graceMs = Number(process.env['DEVHOST_SHUTDOWN_GRACE_MS'] ?? 10_000);
  const host = await startDevhost({
    appDir: args.appDir,
    port: args.port,
    dataDir: args.dataDir,
    shutdownGraceMs: Number.isFinite(graceMs) && graceMs >= 0 ? graceMs : 10_000,
  });
  process.stdout.write(`Host started on ${host.url}\n`);

  let stopping = false;
  const shutDown = (signal: NodeJS.Signals): void => {
    if (stopping) {
      // A second signal means "now": accepted durable work stays in the store and resumes on the next start.
      process.stderr.write(`Received ${signal} again; exiting immediately.\n`);
      process.exit(130);
    }
    stopping = true;
    process.stdout.write(`Received ${signal}; shutting down gracefully…\n`);
    host.stop().then(
      () => {
        process.stdout.write('Host stopped.\n');
        process.exit(0);
      },
      (error: unknown) => {
        process.stderr.write(`Shutdown failed: ${describeError(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', shutDown);
  process.on('SIGTERM', shutDown);
}

main().catch((error: unknown) => {
  process.stderr.write(`devhost: ${describeError(error)}\n`);
  process.exit(1);
});
