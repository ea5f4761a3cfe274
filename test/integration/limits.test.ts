// Limits and timers an operator relies on: frontend and global maxconn (extra
// connections wait, unread), timeout queue, timeout http-keep-alive, Upgrade
// tunnels with timeout tunnel, and the seed's custom log-format.

import test from 'ava';
import { connect } from 'node:net';
import { createServer as createHttpServer } from 'node:http';
import { echoServers, trackConcurrency } from '../support/backends.ts';
import { startHawser } from '../support/hawser-process.ts';
import { freePort } from '../support/ports.ts';
import { httpRequest, rawConnection } from '../support/http-client.ts';
import { HTTP_DEFAULTS } from '../support/configs.ts';

const DEFAULTS = `${HTTP_DEFAULTS}`;

test('frontend maxconn: extra connections wait unread, then are served in turn', async (t) => {
  const servers = await echoServers(t, ['s1']);
  const load = trackConcurrency(servers[0]);
  const port = await freePort();
  await startHawser(
    t,
    `${DEFAULTS}
frontend www
    bind 127.0.0.1:${port}
    maxconn 2
    option httpclose
    default_backend app
backend app
    server s1 127.0.0.1:${servers[0].port}
`,
  );
  const replies = await Promise.all(Array.from({ length: 6 }, (_, i) => httpRequest(port, `/slow/150?${i}`)));
  t.true(replies.every((r) => r.status === 200));
  t.is(load.peak, 2);
});

test('global maxconn bounds connections across frontends', async (t) => {
  const servers = await echoServers(t, ['s1']);
  const load = trackConcurrency(servers[0]);
  const [p1, p2] = [await freePort(), await freePort()];
  await startHawser(
    t,
    `global
    maxconn 3
${DEFAULTS}
    option httpclose
frontend a
    bind 127.0.0.1:${p1}
    default_backend app
frontend b
    bind 127.0.0.1:${p2}
    default_backend app
backend app
    server s1 127.0.0.1:${servers[0].port}
`,
  );
  const replies = await Promise.all(Array.from({ length: 8 }, (_, i) => httpRequest(i % 2 ? p1 : p2, `/slow/150?${i}`)));
  t.true(replies.every((r) => r.status === 200));
  t.is(load.peak, 3);
});

test('timeout queue: a request that waits too long for a slot gets 503', async (t) => {
  const servers = await echoServers(t, ['s1']);
  const port = await freePort();
  await startHawser(
    t,
    `${DEFAULTS}
frontend www
    bind 127.0.0.1:${port}
    default_backend app
backend app
    timeout queue 200ms
    server s1 127.0.0.1:${servers[0].port} maxconn 1
`,
  );
  // The slow request holds the server's one slot before the next is sent
  // (a fixed pause could be too short on a loaded machine).
  const atServer = new Promise((r) => servers[0].server.once('request', r));
  const slow = httpRequest(port, '/slow/1000');
  await atServer;
  const queued = await httpRequest(port, '/');
  t.is(queued.status, 503);
  t.is((await slow).status, 200);
});

test('timeout http-keep-alive closes an idle client connection', async (t) => {
  const servers = await echoServers(t, ['s1']);
  const port = await freePort();
  await startHawser(
    t,
    `${DEFAULTS}
    timeout http-keep-alive 300ms
frontend www
    bind 127.0.0.1:${port}
    default_backend app
backend app
    server s1 127.0.0.1:${servers[0].port}
`,
  );
  const c = await rawConnection(port);
  c.socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
  await c.waitFor('"server":"s1"');
  const t0 = Date.now();
  await new Promise((r) => c.socket.on('close', r));
  const idle = Date.now() - t0;
  t.true(idle >= 250 && idle < 3000, `closed after ${idle} ms idle`);
});

test('Upgrade: 101 then a tunnel both ways; timeout tunnel ends an idle one', async (t) => {
  // A server that upgrades to a line echo protocol.
  const srv = createHttpServer();
  srv.on('upgrade', (req, socket) => {
    socket.write('HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\n');
    socket.on('data', (d) => socket.write(`echo:${d}`));
    socket.on('error', () => {});
  });
  await new Promise<void>((r) => srv.listen({ host: '127.0.0.1', port: 0 }, () => r()));
  t.teardown(() => {
    srv.closeAllConnections();
    srv.close();
  });
  const port = await freePort();
  await startHawser(
    t,
    `${DEFAULTS}
    timeout tunnel 1s
frontend www
    bind 127.0.0.1:${port}
    default_backend app
backend app
    server s1 127.0.0.1:${(srv.address() as { port: number }).port}
`,
  );
  const c = await rawConnection(port);
  c.socket.write('GET /chat HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\n');
  await c.waitFor('101 Switching Protocols');
  c.socket.write('hello');
  await c.waitFor('echo:hello');
  t.regex(c.received(), /^HTTP\/1\.1 101 Switching Protocols\r\n/);
  const t0 = Date.now();
  await new Promise((r) => c.socket.on('close', r));
  t.true(Date.now() - t0 < 3000, 'idle tunnel closed by timeout tunnel');
});

test("the seed's log-format renders every field", async (t) => {
  const servers = await echoServers(t, ['s1']);
  const port = await freePort();
  const p = await startHawser(
    t,
    `global
    log stdout format raw local0
${DEFAULTS}
    log global
frontend www
    bind 127.0.0.1:${port}
    log-format "%H %ci:%cp [%t] %ft %b/%s %Tw/%Tc/%Tt %B %ts %ac/%fc/%bc/%sc/%rc %sq/%bq"
    default_backend app
backend app
    server s1 127.0.0.1:${servers[0].port}
`,
  );
  await httpRequest(port, '/logged');
  const line = await p.waitFor((l) => l.includes(' www app/s1 '));
  t.regex(line, /^\S+ 127\.0\.0\.1:\d+ \[\d{2}\/\w{3}\/\d{4}:\d{2}:\d{2}:\d{2}\.\d{3}\] www app\/s1 \d+\/\d+\/\d+ \d+ -- \d+\/\d+\/\d+\/\d+\/0 0\/0$/);
});

test('a client that resets mid-response leaves no stuck session behind', async (t) => {
  const servers = await echoServers(t, ['s1']);
  const port = await freePort();
  await startHawser(
    t,
    `${DEFAULTS}
frontend www
    bind 127.0.0.1:${port}
    maxconn 1
    default_backend app
backend app
    server s1 127.0.0.1:${servers[0].port}
`,
  );
  for (let i = 0; i < 5; i++) {
    await new Promise<void>((resolve) => {
      const s = connect({ host: '127.0.0.1', port });
      s.on('error', () => {});
      s.write('GET /bytes/50000000 HTTP/1.1\r\nHost: x\r\n\r\n');
      s.once('data', () => {
        s.resetAndDestroy();
        resolve();
      });
    });
  }
  // with maxconn 1, a leaked session would block this request forever
  const r = await httpRequest(port, '/after', { timeoutMs: 5000 });
  t.is(r.status, 200);
});
