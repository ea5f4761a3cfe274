// The source of the bulk-transfer scenario: a node:net server that sends
// every connection BYTES bytes of one preallocated buffer, then closes.
// Run as its own process (pinned to the load CPU): `stream-source.ts PORT BYTES`.

import { createServer, type Socket } from 'node:net';

const port = Number(process.argv[2]);
const total = Number(process.argv[3]);
if (!Number.isInteger(port) || !Number.isInteger(total) || total <= 0) {
  process.stderr.write('usage: stream-source.ts PORT BYTES\n');
  process.exit(2);
}

const CHUNK = Buffer.alloc(1024 * 1024, 'x');

/** Writes until the kernel pushes back, resumes on 'drain'; one of these per connection. */
class Sender {
  socket: Socket;
  left = total;
  constructor(socket: Socket) {
    this.socket = socket;
    socket.on('drain', () => this.pump());
    socket.on('error', () => socket.destroy());
  }
  pump(): void {
    while (this.left > 0 && !this.socket.destroyed) {
      const n = Math.min(this.left, CHUNK.length);
      this.left -= n;
      const more = this.socket.write(n === CHUNK.length ? CHUNK : CHUNK.subarray(0, n));
      if (this.left === 0) this.socket.end();
      if (!more) return;
    }
  }
}

const server = createServer((s) => new Sender(s).pump());
server.listen({ host: '127.0.0.1', port }, () => process.stdout.write(`listening ${port}\n`));
process.on('SIGTERM', () => process.exit(0));
