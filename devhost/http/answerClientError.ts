import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';

/**
 * Answers a request that Node's HTTP parser refused (headers over the size limit, a malformed request) with its
 * status, then closes the connection gently. Node's own answer destroys the socket at once, while the client is
 * usually still sending its oversized header: closing with unread bytes resets the connection (RST) and the client
 * often loses the answer. So this half-closes, reads and discards what still arrives, and destroys after `drainMs`.
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Duplex, drainMs = 2000): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  socket.resume();
  const timer = setTimeout(() => socket.destroy(), drainMs);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
}
