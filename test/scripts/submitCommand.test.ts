import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { runCompiledCli } from './runCompiledCli';

// Requests against the real service are covered end to end in test/integration/bundleGuard.test.ts.
function cli(args: string[], env: Record<string, string> = {}) {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('MARKET_DATA_')));
  return runCompiledCli(['submit', ...args], { ...clean, ...env });
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('cli submit', () => {
  it.each([
    [['rollback'], /A bearer token is required: pass --token or set MARKET_DATA_TOKEN/],
    [['upload', '--token', 't'], /submit takes one task type: download, analyze, rollback/],
    [['rollback', '--force', '--token', 't'], /--force applies only to download/],
    [['download', '--token', 't', '--url', 'not a url'], /--url is not a URL/],
  ])('refuses %j as a usage error (exit 2, with the usage text)', async (args, message) => {
    const result = await cli(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toMatch(/market-data submit <download \| analyze \| rollback>/);
  });

  it('says clearly when the service cannot be reached, taking the URL and token from the environment', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const result = await cli(['rollback'], { MARKET_DATA_URL: url, MARKET_DATA_TOKEN: 'token' });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `error: cannot reach ${url} (ECONNREFUSED); is the service running (npm start)? [UNREACHABLE]\n`,
    );
  });
});
