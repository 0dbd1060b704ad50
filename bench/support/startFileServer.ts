import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

export interface FileServer {
  readonly url: string;
  stop(): Promise<void>;
}

// Runs in its own process so serving never shares an event loop with what is measured. No validators and no
// conditional requests: every GET sends the whole file, so a repeated download task downloads again.
const SERVER_SCRIPT = `
const http = require('node:http'); const fs = require('node:fs');
const [file, rateText] = process.argv.slice(1);
const rate = Number(rateText); const size = fs.statSync(file).size;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const server = http.createServer(async (req, res) => {
  if (req.url !== '/bundle.zip' || req.method !== 'GET') { res.writeHead(404).end(); return; }
  res.writeHead(200, { 'Content-Length': size });
  const stream = fs.createReadStream(file, { highWaterMark: 1 << 20 });
  if (!(rate > 0)) { stream.pipe(res); return; }
  const started = Date.now(); let sent = 0;
  for await (const chunk of stream) {
    if (res.destroyed) break;
    if (!res.write(chunk)) await new Promise((r) => res.once('drain', r));
    sent += chunk.length;
    const ahead = (sent / rate) * 1000 - (Date.now() - started);
    if (ahead > 0) await sleep(ahead);
  }
  res.end();
});
server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'));`;

/**
 * Serves `file` at `<url>` (http://127.0.0.1:<port>/bundle.zip) from a child process, at most `bytesPerSecond`
 * when given (paced against the start of each response, so the average rate holds whatever the chunk timing).
 */
export async function startFileServer(file: string, bytesPerSecond?: number): Promise<FileServer> {
  const child: ChildProcess = spawn(process.execPath, ['-e', SERVER_SCRIPT, file, String(bytesPerSecond ?? 0)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [data] = (await once(child.stdout!, 'data')) as [Buffer];
  return {
    url: `http://127.0.0.1:${data.toString().trim()}/bundle.zip`,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}
