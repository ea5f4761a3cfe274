// A client that reads its last response and then never closes (it vanished,
// or its host lost the route back): Hawser has sent its FIN and waits for
// the client's, bounded by `timeout client-fin`, so such a client holds
// neither the session nor a graceful stop. (Found by the failover drill.)

import test from 'ava';
import { connect } from 'node:net';
import { echoServers } from '../support/backends.ts';
import { startHawser } from '../support/hawser-process.ts';
import { freePort } from '../support/ports.ts';

test('a graceful stop is not held by a client that never sends its FIN', async (t) => {
  const [s1] = await echoServers(t, ['s1']);
  const port = await freePort();
  const h = await startHawser(
    t,
    `defaults
    mode http
    timeout connect 1s
    timeout client 30s
    timeout client-fin 300ms
    timeout server 5s
frontend www
    bind 127.0.0.1:${port}
    default_backend app
backend app
    server s1 127.0.0.1:${s1!.port}
`,
  );
  const sock = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
  t.teardown(() => sock.destroy());
  let got = '';
  const ended = new Promise<void>((res) => sock.on('end', res));
  sock.on('data', (d: Buffer) => (got += d.toString('latin1')));
  sock.write('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  await ended; // Hawser's FIN: the response is complete; we keep our side open
  t.regex(got, /^HTTP\/1\.1 200 /);
  const start = performance.now();
  const code = await h.stop('SIGTERM');
  const took = performance.now() - start;
  t.is(code, 0);
  t.true(took < 3000, `the stop took ${Math.round(took)} ms`);
});
