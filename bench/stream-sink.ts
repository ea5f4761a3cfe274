// The sink of the bulk-transfer scenario: connects to PORT, counts bytes
// into one reused buffer until BYTES have arrived, and prints
// {"bytes":N,"seconds":S} measured from the connect call to the last byte.
// Run as its own process (pinned to the load CPU): `stream-sink.ts PORT BYTES TIMEOUT_MS`.

import { connect } from 'node:net';

const port = Number(process.argv[2]);
const expected = Number(process.argv[3]);
const timeoutMs = Number(process.argv[4] ?? 120_000);
if (!Number.isInteger(port) || !Number.isInteger(expected) || expected <= 0) {
  process.stderr.write('usage: stream-sink.ts PORT BYTES [TIMEOUT_MS]\n');
  process.exit(2);
}

let received = 0;
const start = process.hrtime.bigint();

function finish(ok: boolean, why: string): void {
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  process.stdout.write(`${JSON.stringify({ bytes: received, seconds, ok, why })}\n`);
  process.exit(ok ? 0 : 1);
}

const socket = connect({
  host: '127.0.0.1',
  port,
  onread: {
    buffer: Buffer.allocUnsafe(1024 * 1024),
    callback(n: number): boolean {
      received += n;
      if (received >= expected) finish(true, 'complete');
      return true;
    },
  },
});
socket.on('end', () => finish(received >= expected, 'end'));
socket.on('error', (e) => finish(false, e.message));
setTimeout(() => finish(false, `timeout after ${timeoutMs} ms`), timeoutMs).unref();
