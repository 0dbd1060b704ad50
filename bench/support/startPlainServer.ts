import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';

// The baseline for the API's reads: node:http and better-sqlite3 (read-only) answering the same two routes from the
// same database file with the same public columns, with no authentication, routing framework or host in between.
const SERVER_SCRIPT = `
const http = require('node:http'); const Database = require('better-sqlite3');
const db = new Database(process.argv[1], { readonly: true, fileMustExist: true });
db.pragma('busy_timeout = 5000');
const columns = 'task_id, task_type, status, source, progress, stage, message, error, created_at, started_at, ' +
  'finished_at, retry_of';
const one = db.prepare('SELECT ' + columns + ' FROM market_data_tasks WHERE task_id = ?');
const page = db.prepare('SELECT ' + columns + ' FROM market_data_tasks ORDER BY created_at DESC, task_id DESC LIMIT 50');
const send = (res, status, body) => {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
};
const server = http.createServer((req, res) => {
  const match = /^\\/tasks(?:\\/([^/?]+))?(?:\\?.*)?$/.exec(req.url);
  if (match === null) return send(res, 404, { error: 'not found' });
  if (match[1] === undefined) return send(res, 200, { tasks: page.all() });
  const row = one.get(match[1]);
  send(res, row === undefined ? 404 : 200, row ?? { error: 'not found' });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'));`;

export interface PlainServer {
  /** Origin; routes are /tasks and /tasks/{id}. */
  readonly url: string;
  readonly pid: number;
  stop(): Promise<void>;
}

/** Starts the plain baseline server in its own process, over the database file at `dbPath`. */
export async function startPlainServer(dbPath: string): Promise<PlainServer> {
  const child: ChildProcess = spawn(process.execPath, ['-e', SERVER_SCRIPT, dbPath], {
    // better-sqlite3 resolves from the project root.
    cwd: resolve(__dirname, '..', '..', '..'),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [data] = (await once(child.stdout!, 'data')) as [Buffer];
  return {
    url: `http://127.0.0.1:${data.toString().trim()}`,
    pid: child.pid!,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}
