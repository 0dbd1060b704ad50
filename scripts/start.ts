// `npm start`: the whole product on embedded defaults, under the devhost. It fills in what a first run lacks
// (a signing secret, a demo bundle) and prints a ready-to-use admin token, then runs the app until Ctrl-C.
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { startDevhost } from '../devhost/startDevhost';
import { loadOrCreateDevSecret, mintToken, Role } from '../src/auth';
import { loadConfig } from '../src/config';
import { createZipWriter } from './zip/createZipWriter';
import { generateSyntheticBundle } from './bundleGenerator/generateSyntheticBundle';

const root = path.resolve(__dirname, '..', '..');

async function ensureDemoBundle(dataDir: string): Promise<string> {
  const file = path.join(dataDir, 'demo', 'demo-bundle.zip');
  if (existsSync(file)) return file;
  mkdirSync(path.dirname(file), { recursive: true });
  const partial = `${file}.tmp`;
  const zip = createZipWriter(partial);
  await generateSyntheticBundle({ symbols: 300, days: 500, seed: 1 }, (name, data) => zip.addFile(name, data));
  await zip.close();
  renameSync(partial, file);
  return file;
}

async function main(): Promise<void> {
  const env = process.env;
  const dataDir = path.resolve(root, env.MARKET_DATA_HOME ?? 'data');
  env.MARKET_DATA_HOME = dataDir;
  env.MARKET_DATA_SCHEDULE ??= '0 0 18 * * 1-5';
  const notes: string[] = [];

  let secret: string | null = null;
  if (!env.AUTH_JWT_SECRET && !env.AUTH_JWKS_URL) {
    secret = await loadOrCreateDevSecret(dataDir);
    env.AUTH_JWT_SECRET = secret;
    notes.push(`Using the local signing secret in ${path.join(dataDir, 'dev-jwt-secret')}.`);
  } else if (env.AUTH_JWT_SECRET) {
    secret = env.AUTH_JWT_SECRET;
  }
  // Fail here, with every problem listed, rather than serve an app that answers 503 to everything.
  loadConfig(env);
  if (!env.MARKET_DATA_BUNDLE_URL) {
    process.stdout.write('Preparing the demo bundle (first run only)...\n');
    env.MARKET_DATA_BUNDLE_URL = pathToFileURL(await ensureDemoBundle(dataDir)).href;
    notes.push(`MARKET_DATA_BUNDLE_URL is not set: using the generated demo bundle ${env.MARKET_DATA_BUNDLE_URL}`);
  }

  const port = env.PORT === undefined ? 7071 : Number(env.PORT);
  const host = await startDevhost({ appDir: root, port, dataDir: path.join(dataDir, 'devhost') });
  const base = host.url.replace('127.0.0.1', 'localhost');
  for (const note of notes) process.stdout.write(`${note}\n`);
  process.stdout.write(`Market-data tasks API on ${base}/api/market-data (Ctrl-C to stop)\n`);
  if (secret === null) {
    process.stdout.write(`Dashboard: ${base}/api/market-data/dashboard (paste a token from your identity provider)\n`);
  } else {
    const token = await mintToken({ secret, subject: 'local-admin', roles: [Role.Admin], ttlSeconds: 7 * 24 * 3600 });
    process.stdout.write(
      [
        '',
        // The token rides in the fragment, which browsers never send to a server; the page moves it to sessionStorage.
        'Dashboard (opens signed in):',
        `  ${base}/api/market-data/dashboard#token=${token}`,
        '',
        'Admin token (valid 7 days):',
        `  ${token}`,
        'Try it:',
        `  curl -s -X POST -H "Authorization: Bearer ${token}" -H "Content-Type: application/json" \\`,
        `       -d '{"task_type":"download"}' ${base}/api/market-data/tasks`,
        `  curl -s -H "Authorization: Bearer ${token}" ${base}/api/market-data/tasks`,
        '',
      ].join('\n'),
    );
  }
  let stopping = false;
  const stop = (): void => {
    if (stopping) process.exit(130);
    stopping = true;
    process.stdout.write('Stopping...\n');
    host.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`Shutdown failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
