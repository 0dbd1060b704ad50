import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { createTempDir, fixture, startTestHost } from './devhostTestSupport.js';

const dataDir = createTempDir();
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

describe('stopping the host', () => {
  it('ends an open event stream at once instead of waiting the grace period for it', async () => {
    const host = await startTestHost({ appDir: fixture('http-app'), dataDir, shutdownGraceMs: 30_000 });
    const response = await fetch(`${host.url}/api/events`);
    const reader = response.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('data: first\n\n');
    const started = Date.now();
    await host.stop();
    // The app holds its second event back forever; only the stop can have ended the stream.
    expect(Date.now() - started).toBeLessThan(15_000);
    expect((await reader.read()).done).toBe(true);
  });
});
