// `npm run bench [-- name ...]`: runs the named benchmarks (default: all), each in its own process so one's memory
// and JIT state cannot colour another's numbers. Benchmarks print ratios; they never fail on a number.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const ALL = ['taskStore', 'devhost', 'stages', 'analysis', 'cli', 'qlib', 'diff', 'e2e', 'load'] as const;

function main(): void {
  const requested = process.argv.slice(2);
  const unknown = requested.filter((name) => !(ALL as readonly string[]).includes(name));
  if (unknown.length > 0) {
    process.stderr.write(`Unknown benchmark ${unknown.join(', ')}; choose from: ${ALL.join(', ')}\n`);
    process.exitCode = 2;
    return;
  }
  for (const name of requested.length > 0 ? requested : ALL) {
    process.stdout.write(`\n=== bench/${name} ===\n`);
    const result = spawnSync(process.execPath, [path.join(__dirname, `${name}.js`)], { stdio: 'inherit' });
    if (result.status !== 0) process.exitCode = 1;
  }
}

main();
