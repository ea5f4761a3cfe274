// tcp-request rules through a running hawser, as clients and servers see
// them: connections refused by source before anything is read, content
// rules that wait for the bytes they need (and no longer than the
// inspect-delay), routing on the first bytes of a TCP stream, and the same
// rules in an HTTP frontend, where they run per request before
// http-request rules.

import test from 'ava';
import { connect, type Socket } from 'node:net';
import { echoServers, tcpServer } from '../support/backends.ts';
import { startHawser } from '../support/hawser-process.ts';
import { freePort } from '../support/ports.ts';
import { httpRequest, rawConnection } from '../support/http-client.ts';
import { HTTP_DEFAULTS } from '../support/configs.ts';

const TCP_DEFAULTS = `global
    log stdout format raw local0
defaults
    mode tcp
    log global
    option tcplog
    timeout connect 2s
    timeout client 10s
    timeout server 10s
`;

/** A server that greets with "NAME>" on connect, then returns what it received once the client half-closes. */
function namedServer(t: Parameters<typeof tcpServer>[0], name: string) {
  return tcpServer(t, (s) => {
    s.write(`${name}>`);
    const got: Buffer[] = [];
    s.on('data', (d) => got.push(d));
    s.on('end', () => s.end(Buffer.concat(got).toString('latin1')));
  });
}

interface Exchange {
  text: string;
  /** ms from connect to the first byte of the answer (or to the close). */
  ms: number;
}

/** Connect (from `localAddress`), send `parts` with `gapMs` between them, half-close, collect the answer. */
function exchange(port: number, parts: Array<string | Buffer>, gapMs = 0, localAddress = '127.0.0.1'): Promise<Exchange> {
  return new Promise((resolve) => {
    const s: Socket = connect({ host: '127.0.0.1', port, localAddress });
    const start = Date.now();
    let first = -1;
    const chunks: Buffer[] = [];
    s.on('data', (d) => {
      if (first < 0) first = Date.now() - start;
      chunks.push(d);
    });
    s.on('error', () => {});
    s.on('close', () => resolve({ text: Buffer.concat(chunks).toString('latin1'), ms: first >= 0 ? first : Date.now() - start }));
    s.on('connect', async () => {
      for (let i = 0; i < parts.length; i++) {
        if (i > 0 && gapMs > 0) await new Promise((r) => setTimeout(r, gapMs));
        if (!s.destroyed) s.write(parts[i]!);
      }
      if (!s.destroyed) s.end();
    });
    setTimeout(() => s.destroy(), 8000).unref();
  });
}

test('tcp mode: connection rules refuse by source before reading, unlogged', async (t) => {
  const srv = await namedServer(t, 'app');
  const port = await freePort();
  const p = await startHawser(
    t,
    `${TCP_DEFAULTS}frontend fe
    bind 127.0.0.1:${port}
    tcp-request connection reject if { src 127.0.0.2 }
    default_backend be
backend be
    server s 127.0.0.1:${srv.port}
`,
  );
  t.is((await exchange(port, ['hello'], 0, '127.0.0.2')).text, '', 'refused: nothing comes back');
  t.is((await exchange(port, ['hello'])).text, 'app>hello');
  await p.waitFor((l) => l.includes(' fe be/s '));
  t.false(p.lines.some((l) => l.startsWith('127.0.0.2:')), 'a refused connection is not logged');
});

test('tcp mode: content rules wait for the bytes they need, route on them, refuse TLS, and stop waiting at the inspect-delay', async (t) => {
  const ping = await namedServer(t, 'ping');
  const other = await namedServer(t, 'other');
  const port = await freePort();
  const p = await startHawser(
    t,
    `${TCP_DEFAULTS}frontend fe
    bind 127.0.0.1:${port}
    tcp-request inspect-delay 400ms
    tcp-request content reject if { req.payload(0,1) -m bin 16 }
    tcp-request content accept if { req.len ge 4 }
    use_backend ping if { req.payload(0,4) -m bin 50494e47 }
    default_backend other
backend ping
    server s 127.0.0.1:${ping.port}
backend other
    server s 127.0.0.1:${other.port}
`,
  );
  // "PI" then "NG": with only two bytes the accept rule cannot decide, so
  // routing waits for the next two instead of sending the stream to `other`.
  const split = await exchange(port, ['PI', 'NG!'], 150);
  t.is(split.text, 'ping>PING!');
  t.true(split.ms >= 140, `routed only once the 4th byte came (${split.ms} ms)`);
  t.is((await exchange(port, ['HELO there'])).text, 'other>HELO there');
  // A TLS ClientHello's first byte: closed, the server never sees it.
  const tls = await exchange(port, [Buffer.from([0x16, 0x03, 0x01, 0x00, 0x10])]);
  t.is(tls.text, '');
  await p.waitFor((l) => / fe fe\/<NOSRV> .* PR /.test(l));
  // A client that stops sending: its half-close ends the wait at once.
  const slow = await exchange(port, ['PI'], 0);
  t.is(slow.text, 'other>PI');
  t.true(slow.ms < 350, `no need to wait for the delay after the client's end (${slow.ms} ms)`);
  // A client that sends too little and keeps the connection open: the rules
  // decide when the inspect-delay ends, no sooner, no later.
  const quiet = await new Promise<Exchange>((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    const start = Date.now();
    s.on('data', (d) => {
      resolve({ text: d.toString(), ms: Date.now() - start });
      s.destroy();
    });
    s.on('connect', () => s.write('P'));
    s.on('error', () => {});
    t.teardown(() => s.destroy());
  });
  t.is(quiet.text, 'other>');
  t.true(quiet.ms >= 380 && quiet.ms < 1500, `routed when the 400 ms delay ended (${quiet.ms} ms)`);
});

test('http mode: connection, content and http-request rules in HAProxy order, with variables', async (t) => {
  const [a, b] = await echoServers(t, ['a', 'b']);
  const port = await freePort();
  await startHawser(
    t,
    `${HTTP_DEFAULTS}frontend www
    bind 127.0.0.1:${port}
    tcp-request connection reject if { src 127.0.0.3 }
    tcp-request inspect-delay 2s
    tcp-request content reject if { req.hdr(x-block) -m found }
    tcp-request content set-var(txn.route) req.hdr(x-route),lower
    tcp-request content set-var(txn.len) req.len if { req.len gt 120 }
    http-request set-header X-Route %[var(txn.route)]
    http-request set-header X-Seen-Len %[var(txn.len)]
    use_backend %[var(txn.route)]
    default_backend a
backend a
    server s 127.0.0.1:${a.port}
backend b
    server s 127.0.0.1:${b.port}
`,
  );
  const r = await httpRequest(port, '/x', { headers: { 'x-route': 'B' } });
  const seen = JSON.parse(r.text);
  t.is(seen.server, 'b', 'use_backend read the variable set by a content rule');
  t.is(seen.headers['x-route'], 'b');
  t.is(JSON.parse((await httpRequest(port, '/x')).text).server, 'a');

  // A blocked request: the connection is closed without a response.
  const blocked = await rawConnection(port);
  blocked.socket.write('GET / HTTP/1.1\r\nHost: x\r\nX-Block: 1\r\n\r\n');
  await new Promise((res) => blocked.socket.on('close', res));
  t.is(blocked.received(), '');

  // The body comes late: `req.len gt 120` cannot decide on the head alone
  // (83 bytes), so the content rules wait for the body instead of going on.
  const head = 'POST /late HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 50\r\n\r\n';
  const c = await rawConnection(port);
  t.teardown(() => c.socket.destroy());
  c.socket.write(head);
  await new Promise((res) => setTimeout(res, 200));
  c.socket.write('x'.repeat(50));
  const text = await c.waitFor('"bodyBytes":50');
  t.regex(text, /"x-seen-len":"(\d+)"/);
  t.is(Number(/"x-seen-len":"(\d+)"/.exec(text)![1]), head.length + 50);

  // Refused by source before any request is read.
  const refused = await new Promise<string>((resolve) => {
    const s = connect({ host: '127.0.0.1', port, localAddress: '127.0.0.3' });
    let got = '';
    s.on('data', (d) => (got += d));
    s.on('connect', () => s.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
    s.on('close', () => resolve(got));
    s.on('error', () => {});
  });
  t.is(refused, '');
});
