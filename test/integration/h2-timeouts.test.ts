// Timeouts of HTTP/2 connections and of the tunnels they carry: a WebSocket
// over an HTTP/2 stream (RFC 8441) is ended by `timeout tunnel` when it is
// idle, without touching the connection's other streams; `timeout client`
// does not end a connection whose streams are in progress (they have their
// own timers, as in HAProxy), and ends it once it has had no stream for that
// long: `timeout http-request` before its first stream, `timeout
// http-keep-alive` after (both default to `timeout client`), beside haproxy 2.6.

import test from 'ava';
import { connect } from 'node:http2';
import { adminSocketPath, frontendSessions, until } from '../support/admin-socket.ts';
import { HTTP_DEFAULTS } from '../support/configs.ts';
import { h2Request, h2WebSocket } from '../support/h2-client.ts';
import { startHawser } from '../support/hawser-process.ts';
import { freePort, freePorts } from '../support/ports.ts';
import { startHaproxy } from '../support/haproxy-process.ts';
import { wsEchoServer } from '../support/websocket.ts';
import { echoServers } from '../support/backends.ts';

const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

test('HTTP/2: timeout tunnel ends an idle WebSocket stream, not its neighbour; timeout client ends the connection once it has no stream', async (t) => {
  const ws = await wsEchoServer(t);
  const [app] = await echoServers(t, ['app']);
  const port = await freePort();
  const sock = adminSocketPath(t);
  await startHawser(t, `global
    stats socket ${sock} mode 600 level admin
${HTTP_DEFAULTS}frontend www
    bind 127.0.0.1:${port}
    timeout client 400ms
    use_backend app if { path /plain }
    default_backend ws
backend ws
    timeout tunnel 1500ms
    server s1 127.0.0.1:${ws.port}
backend app
    server a1 127.0.0.1:${app!.port}
`);
  const sessions = (): Promise<number> => frontendSessions(sock, 'www');
  const session = connect(`http://127.0.0.1:${port}`);
  session.on('error', () => {});
  t.teardown(() => session.destroy());
  let sessionClosedAt = 0;
  session.on('close', () => (sessionClosedAt = Date.now()));

  const a = await h2WebSocket(session);
  const b = await h2WebSocket(session);
  t.is(a.status, 200);
  t.is(b.status, 200);
  a.send('a');
  await until(() => a.frames.length === 1, 3000, 'a echoed');
  const aIdleFrom = Date.now();
  let aClosedAt = 0;
  void a.closed.then(() => (aClosedAt = Date.now()));
  // B stays busy; A goes quiet.
  let sent = 0;
  const ping = setInterval(() => {
    if (sent < 40) b.send(`b${sent++}`);
  }, 150);
  t.teardown(() => clearInterval(ping));
  await delay(900);
  t.is(aClosedAt, 0, 'an idle tunnel outlives timeout client (400ms) while under timeout tunnel');
  t.is(sessionClosedAt, 0, 'a connection with streams is not ended by timeout client');
  const aCode = await a.closed;
  const aIdle = aClosedAt - aIdleFrom;
  t.true(aIdle >= 1300 && aIdle < 3000, `A closed after ${aIdle} ms idle (timeout tunnel 1500ms), code ${aCode}`);
  // B and the connection are untouched.
  const before = b.frames.length;
  await until(() => b.frames.length > before + 1, 2000, 'B still echoes after A was closed');
  t.is(sessionClosedAt, 0, 'the connection is still open');
  t.is(ws.sockets.size, 1, "A's server socket closed, B's open");
  // An ordinary request on the same connection meanwhile.
  const plain = await h2Request(session, '/plain');
  t.is(Number(plain.headers[':status']), 200);
  // B goes quiet too: timeout tunnel ends it; then the connection has no
  // stream, and timeout client ends it.
  clearInterval(ping);
  const bSent = sent;
  await until(() => b.frames.length === bSent, 2000, 'the last echoes of B');
  const bIdleFrom = Date.now();
  await b.closed;
  const bClosedAt = Date.now();
  // Alone and quiet on its connection, B still lasts until timeout tunnel, not timeout client.
  t.true(bClosedAt - bIdleFrom >= 1300, `B closed after ${bClosedAt - bIdleFrom} ms idle (timeout tunnel 1500ms)`);
  await until(() => sessionClosedAt > 0, 3000, 'the connection closed after timeout client without streams');
  const idle = sessionClosedAt - bClosedAt;
  t.true(idle >= 250 && idle < 2000, `connection closed ${idle} ms after its last stream (timeout client 400ms)`);
  await until(() => ws.sockets.size === 0, 3000, 'every server socket closed');
  await until(async () => (await sessions()) === 0, 3000, 'no session left');
});

test('HTTP/2: an idle connection closes after timeout http-request before its first stream, http-keep-alive after, as in haproxy 2.6', async (t) => {
  const [hp, rp] = await freePorts(2);
  const text = (port: number): string => `defaults
    mode http
    timeout connect 1s
    timeout client 3s
    timeout server 3s
    timeout http-request 1500ms
    timeout http-keep-alive 300ms
frontend www
    bind 127.0.0.1:${port}
    http-request return status 200 content-type text/plain string "ok"
`;
  await startHawser(t, text(hp!));
  await startHaproxy(t, text(rp!), rp!);
  /** ms from the last activity until the server closed the connection (bounded by 4 s). */
  const idleClose = async (port: number, withStream: boolean): Promise<number> => {
    const s = connect(`http://127.0.0.1:${port}`);
    s.on('error', () => {});
    t.teardown(() => s.destroy());
    await new Promise((r) => s.once('remoteSettings', r));
    if (withStream) t.is((await h2Request(s, '/')).body, 'ok');
    const t0 = Date.now();
    await new Promise((r) => {
      s.once('close', r);
      setTimeout(r, 4000);
    });
    return Date.now() - t0;
  };
  for (const [who, port] of [['haproxy', rp!], ['hawser', hp!]] as const) {
    const before = await idleClose(port, false);
    const after = await idleClose(port, true);
    t.log(`${who}: no stream yet ${before} ms, after a stream ${after} ms`);
    t.true(before >= 1350 && before < 2500, `${who}: timeout http-request (1500ms) before the first stream, got ${before}`);
    t.true(after >= 200 && after < 1000, `${who}: timeout http-keep-alive (300ms) after a stream, got ${after}`);
  }
});
