import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Runs `script` (CommonJS source) in a new Node process whose `process.argv[1]` is a directory on a tmpfs of
 * `sizeKiB`, followed by `args`, and returns what it printed as JSON. The tmpfs is mounted in a private mount
 * namespace (`unshare -rm` maps the caller to root there), so writes past its size fail with a real ENOSPC without
 * any privilege; it vanishes with the process, so the script reports what the test asserts.
 */
export function runOnSmallDisk(
  sizeKiB: number,
  script: string,
  args: readonly string[] = [],
  env: Record<string, string> = {},
): unknown {
  const mountPoint = mkdtempSync(join(tmpdir(), 'small-disk-'));
  try {
    const output = execFileSync(
      'unshare',
      [
        '-rm',
        'sh',
        '-c',
        `mount -t tmpfs -o size=${sizeKiB}k none "$1" && m="$1" && s="$2" && shift 2 && exec "$0" -e "$s" "$m" "$@"`,
        process.execPath,
        mountPoint,
        script,
        ...args,
      ],
      { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 },
    );
    return JSON.parse(output);
  } finally {
    rmSync(mountPoint, { recursive: true, force: true });
  }
}
