import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createTempDir, fixture, startTestHost, type TestHost } from './devhostTestSupport.js';

const hosts: TestHost[] = [];
const dirs: string[] = [];

afterEach(async () => {
  await Promise.all(hosts.splice(0).map((host) => host.stop()));
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('devhost data directory', () => {
  it('refuses a second host on a data directory in use, and allows it once the first has stopped', async () => {
    const dataDir = createTempDir();
    dirs.push(dataDir);
    const first = await startTestHost({ appDir: fixture('durable-app'), dataDir });
    hosts.push(first);
    await expect(startTestHost({ appDir: fixture('durable-app'), dataDir })).rejects.toThrow(
      /data directory .* is in use by another running devhost/,
    );
    await hosts.pop()?.stop();
    const second = await startTestHost({ appDir: fixture('durable-app'), dataDir });
    hosts.push(second);
    expect(second.functions.length).toBeGreaterThan(0);
  });
});
