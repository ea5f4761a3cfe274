// Resets on either side of HTTP/2 streams leave nothing behind: streams the
// client cancels (RST_STREAM) release their server connections, a server
// that resets mid-response resets only its stream, a server reset before
// the response is a 502 on that stream, a WebSocket over HTTP/2 whose server
// resets ends alone, and a client connection dropped with streams in flight
// releases them all. After each: no busy server socket, no session in
// `show sess`, and `scur` / CurrConns back to 0; the connection's other
// streams go on. Over h2c and over TLS (ALPN h2).

import test, { type ExecutionContext } from 'ava';
import { connect, constants, type SecureClientSessionOptions } from 'node:http2';
import type { Socket } from 'node:net';
import { adminSocketPath, frontendSessions, until } from '../support/admin-socket.ts';
import { tcpServer, type TcpServer } from '../support/backends.ts';
import { HTTP_DEFAULTS } from '../support/configs.ts';
import { h2Request, h2TlsSite, h2WebSocket } from '../support/h2-client.ts';
import { startHawser } from '../support/hawser-process.ts';
import { freePort } from '../support/ports.ts';
import { socat } from '../support/socat.ts';
import { parseStat } from '../support/stat-csv.ts';
import { wsEchoServer } from '../support/websocket.ts';

/**
 * An HTTP/1.1 server for bodyless requests, read one after another on each
 * connection: `answer` gets each one's path. It answers the proxy's FIN with
 * its own (tcpServer's sockets are half-open). `opened` sees each connection.
 */
function pathServer(t: ExecutionContext, opened: (s: Socket) => void, answer: (path: string, s: Socket) => void): Promise<TcpServer> {
  return tcpServer(t, (s) => {
    let buf = '';
    opened(s);
    s.on('end', () => s.end());
    s.on('data', (d: Buffer) => {
      buf += d.toString('latin1');
      let end: number;
      while ((end = buf.indexOf('\r\n\r\n')) >= 0) {
        const path = buf.slice(0, end).split(' ')[1] ?? '';
        buf = buf.slice(end + 4);
        answer(path, s);
      }
    });
  });
}

for (const transport of ['h2c', 'tls'] as const) test(`HTTP/2 (${transport}): client and server resets, mid-stream and mid-tunnel, leak no socket and no session`, async (t) => {
  // An HTTP/1.1 server that hangs, resets, or resets halfway through a body, by path.
  const busy = new Set<Socket>();
  const app = await pathServer(
    t,
    (s) => s.on('close', () => busy.delete(s)),
    (path, s) => {
      if (path === '/hang') busy.add(s);
      else if (path === '/reset') s.resetAndDestroy();
      else if (path === '/partial') {
        busy.add(s);
        s.write('HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n' + 'x'.repeat(1000));
        setTimeout(() => s.resetAndDestroy(), 50);
      } else s.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
    },
  );
  const ws = await wsEchoServer(t);
  let tls = '';
  let opts: SecureClientSessionOptions = {};
  if (transport === 'tls') ({ bind: tls, client: opts } = h2TlsSite(t, 'h2'));
  const port = await freePort();
  const sock = adminSocketPath(t);
  await startHawser(t, `global
    stats socket ${sock} mode 600 level admin
${HTTP_DEFAULTS}frontend www
    bind 127.0.0.1:${port}${tls}
    use_backend ws if { path /chat }
    default_backend app
backend app
    server a1 127.0.0.1:${app.port}
backend ws
    server w1 127.0.0.1:${ws.port}
`);
  const sessions = (): Promise<number> => frontendSessions(sock, 'www');
  const clean = async (what: string): Promise<void> => {
    await until(() => busy.size === 0, 3000, `${what}: no busy server socket`);
    await until(async () => (await sessions()) === 0, 3000, `${what}: no session`);
  };
  const session = connect(`${transport === 'tls' ? 'https' : 'http'}://127.0.0.1:${port}`, opts);
  session.on('error', () => {});
  t.teardown(() => session.destroy());

  // 1. The client cancels streams waiting for their server.
  const hung = Array.from({ length: 8 }, () => session.request({ ':path': '/hang' }));
  for (const h of hung) h.on('error', () => {});
  await until(() => busy.size === 8, 3000, 'eight requests at the server');
  t.is(await sessions(), 8);
  for (const h of hung) h.close(constants.NGHTTP2_CANCEL);
  await clean('after RST_STREAM');
  t.is((await h2Request(session, '/ok')).body, 'ok', 'the connection goes on');

  // 2. The server resets halfway through the response: that stream is reset.
  const partial = await Promise.all(Array.from({ length: 5 }, () => h2Request(session, '/partial')));
  for (const p of partial) {
    t.is(Number(p.headers[':status']), 200);
    t.true(p.rstCode !== 0 && p.body.length < 100000, `stream reset after ${p.body.length} bytes (code ${p.rstCode})`);
  }
  await clean('after the server resets mid-response');

  // 3. The server resets before answering: 502 on that stream.
  const reset = await Promise.all(Array.from({ length: 3 }, () => h2Request(session, '/reset')));
  t.deepEqual(reset.map((r) => Number(r.headers[':status'])), [502, 502, 502]);
  await clean('after the server resets before answering');

  // 4. WebSocket tunnels over the connection: the server resets one, the other goes on.
  const w1 = await h2WebSocket(session);
  const w2 = await h2WebSocket(session);
  w1.send('1');
  w2.send('2');
  await until(() => w1.frames.length === 1 && w2.frames.length === 1, 3000, 'both tunnels echo');
  w1.send('again');
  await until(() => w1.frames.length === 2, 3000, 'w1 echoes a second time');
  t.is(ws.sockets.size, 2);
  const [first] = ws.sockets;
  first!.resetAndDestroy();
  const code = await Promise.race([w1.closed, w2.closed]);
  t.not(code, 0, 'the stream of the reset tunnel is reset (RST_STREAM)');
  const alive = w1.stream.closed ? w2 : w1;
  const had = alive.frames.length;
  alive.send('still');
  await until(() => alive.frames.length === had + 1, 3000, 'the other tunnel still echoes');
  await until(async () => (await sessions()) === 1, 3000, 'one tunnel session left');
  alive.stream.close(constants.NGHTTP2_CANCEL);
  await until(() => ws.sockets.size === 0, 3000, 'the tunnel server sockets closed');
  await clean('after the tunnel resets');

  // 5. The client connection drops with streams in flight.
  const more = Array.from({ length: 6 }, () => session.request({ ':path': '/hang' }));
  for (const h of more) h.on('error', () => {});
  await until(() => busy.size === 6, 3000, 'six requests at the server');
  session.destroy();
  await clean('after the connection dropped');
  const fe = parseStat(await socat(sock, 'show stat\n')).get('www/FRONTEND');
  t.is(fe?.scur, '0', 'no current connection on the frontend');
  t.regex(await socat(sock, 'show info\n'), /\nCurrConns: 0\n/);
});

test('HTTP/2: what HTTP/2 cannot carry from an HTTP/1.1 server is dropped or resets only that stream; the process goes on', async (t) => {
  // By path: HTTP2-Settings and TE in a response (node:http2 throws on both as connection fields), a status
  // above 599, a trailer whose name has a space, one whose value has a control character, and good trailers.
  const answers: Record<string, string> = {
    '/settings': 'HTTP/1.1 200 OK\r\nHTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA\r\nTE: gzip\r\nContent-Length: 2\r\n\r\nok',
    '/status': 'HTTP/1.1 999 Odd\r\nContent-Length: 2\r\n\r\nok',
    '/bad-name': 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\nbad name: x\r\n\r\n',
    '/bad-value': 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\ngrpc-message: a\x01b\r\n\r\n',
    '/good': 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\ngrpc-status: 0\r\n\r\n',
  };
  const app = await pathServer(t, () => {}, (path, s) => s.write(answers[path] ?? 'HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n'));
  const port = await freePort();
  const hawser = await startHawser(t, `${HTTP_DEFAULTS}frontend www\n    bind 127.0.0.1:${port}\n    default_backend app\nbackend app\n    server a1 127.0.0.1:${app.port}\n`);
  const session = connect(`http://127.0.0.1:${port}`);
  t.teardown(() => session.destroy());
  const trailersOf = (path: string): Promise<{ status: string | undefined; trailers: Record<string, unknown> | undefined; rst: number }> =>
    new Promise((resolve) => {
      const r = session.request({ ':path': path });
      let status: string | undefined;
      let trailers: Record<string, unknown> | undefined;
      r.on('response', (h) => (status = String(h[':status'])));
      r.on('trailers', (h) => (trailers = h));
      r.on('data', () => {});
      r.on('error', () => {});
      r.on('close', () => resolve({ status, trailers, rst: r.rstCode ?? 0 }));
      r.setTimeout(5000, () => r.close());
    });
  const settings = await h2Request(session, '/settings');
  t.is(Number(settings.headers[':status']), 200, 'connection fields dropped, the response carried');
  t.is(settings.headers['http2-settings'], undefined);
  t.is(settings.headers.te, undefined);
  t.is(settings.body, 'ok');
  t.is(Number((await h2Request(session, '/status')).headers[':status']), 502, 'a status beyond 599 is an invalid response, as on HTTP/1.1');
  for (const path of ['/bad-name', '/bad-value']) {
    const r = await trailersOf(path);
    t.is(r.rst, constants.NGHTTP2_INTERNAL_ERROR, `${path}: an invalid trailer section resets the stream`);
    t.is(r.trailers, undefined, path);
  }
  const good = await trailersOf('/good');
  t.like(good, { status: '200', rst: 0 });
  t.like(good.trailers, { 'grpc-status': '0' });
  t.is(hawser.child.exitCode, null, 'still running');
});
