import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JWK } from 'jose';

/** A real JWKS endpoint on 127.0.0.1 for tests: counts fetches and lets a test rotate the published keys. */
export interface JwksServer {
  readonly url: string;
  readonly fetchCount: () => number;
  setKeys(keys: JWK[]): void;
  close(): Promise<void>;
}

export async function startJwksServer(initialKeys: JWK[]): Promise<JwksServer> {
  let keys = initialKeys;
  let fetches = 0;
  const server = createServer((request, response) => {
    if (request.url !== '/keys') {
      response.writeHead(404).end();
      return;
    }
    fetches += 1;
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/keys`,
    fetchCount: () => fetches,
    setKeys(next) {
      keys = next;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
