// HTTP/2 from clients, through the same L7 rules as HTTP/1.1: ALPN h2 over
// TLS and h2c with prior knowledge, several streams on one connection,
// request bodies, routing, header rules, deny and the access log, with
// node:http2 and curl --http2 as clients and HTTP/1.1 to the servers.

import test from 'ava';
import { execFile } from 'node:child_process';
import { connect } from 'node:http2';
import { promisify } from 'node:util';
import { readFileSync } from 'node:fs';
import { echoServers } from '../support/backends.ts';
import { CertFactory } from '../support/certs.ts';
import { adminSocketPath, frontendSessions, until } from '../support/admin-socket.ts';
import { HTTP_DEFAULTS } from '../support/configs.ts';
import { h2Request } from '../support/h2-client.ts';
import { startHawser } from '../support/hawser-process.ts';
import { freePorts } from '../support/ports.ts';

const run = promisify(execFile);

const RULES = `    option forwardfor
    http-request deny deny_status 403 if { path_beg /forbidden }
    http-request set-header x-proto %[ssl_fc]
    http-response set-header x-via hawser
    use_backend api if { path_beg /api/ }
    default_backend web
backend api
    server a 127.0.0.1:API
backend web
    server w 127.0.0.1:WEB
`;

test('HTTP/2 over TLS (ALPN h2) and h2c prior knowledge go through the same rules as HTTP/1.1', async (t) => {
  const f = new CertFactory(t);
  const ca = f.ca('ca');
  const site = f.issue(ca, 'site', 'site.test', ['site.test']);
  const [api, web] = await echoServers(t, ['api', 'web']);
  const [tlsPort, clearPort] = await freePorts(2);
  const h = await startHawser(t, `global
    log stdout format raw local0
${HTTP_DEFAULTS}    log global
frontend www
    bind 127.0.0.1:${tlsPort} ssl crt ${site.combined} alpn h2,http/1.1
    bind 127.0.0.1:${clearPort}
    log-format "h2log %ci %HM %HU %HV %ST %b/%s"
${RULES.replace('API', String(api!.port)).replace('WEB', String(web!.port))}`);
  for (const [name, url, opts] of [
    ['tls', `https://127.0.0.1:${tlsPort}`, { ca: ca.cert }],
    ['h2c', `http://127.0.0.1:${clearPort}`, {}],
  ] as const) {
    const session = connect(url, 'ca' in opts ? { ca: readFileSync(opts.ca), servername: 'site.test' } : {});
    session.on('error', () => {});
    t.teardown(() => session.close());
    // Several streams at once on one connection.
    const [a, w, denied] = await Promise.all([
      h2Request(session, '/api/items?x=1'),
      h2Request(session, '/page', { headers: { cookie: 'a=1' } }),
      h2Request(session, '/forbidden'),
    ]);
    t.is(Number(a.headers[':status']), 200, name);
    t.is(a.headers['x-via'], 'hawser', `${name}: response rules`);
    const aj = JSON.parse(a.body) as { server: string; url: string; headers: Record<string, string> };
    t.is(aj.server, 'api', `${name}: use_backend by path`);
    t.is(aj.url, '/api/items?x=1');
    t.is(aj.headers['x-forwarded-for'], '127.0.0.1');
    t.is(aj.headers['x-proto'], name === 'tls' ? '1' : '0', `${name}: ssl_fc`);
    t.is(aj.headers.host, name === 'tls' ? `site.test:${tlsPort}` : `127.0.0.1:${clearPort}`, ':authority becomes Host');
    t.is((JSON.parse(w.body) as { server: string }).server, 'web');
    t.is(Number(denied.headers[':status']), 403, `${name}: http-request deny`);
    t.is(a.headers.connection, undefined, 'no connection-specific header in HTTP/2');
    // A request body, without content-length (sent chunked to the server).
    const body = Buffer.alloc(100_000, 0x61);
    const post = await h2Request(session, '/upload', { method: 'POST', body });
    t.is((JSON.parse(post.body) as { bodyBytes: number }).bodyBytes, 100_000, `${name}: request body`);
    // A large response.
    const big = await h2Request(session, '/bytes/300000');
    t.is(big.body.length, 300_000);
    await h.waitFor((l) => l.startsWith('h2log 127.0.0.1 GET /api/items?x=1 HTTP/2.0 200 api/a'));
  }
  // curl --http2 over TLS and with prior knowledge.
  const c1 = await run('curl', ['-s', '--http2', '-o', '/dev/null', '-w', '%{http_version} %{http_code}', '--cacert', ca.cert, '--resolve', `site.test:${tlsPort}:127.0.0.1`, `https://site.test:${tlsPort}/api/x`]);
  t.is(c1.stdout, '2 200');
  const c2 = await run('curl', ['-s', '--http2-prior-knowledge', '-w', ' %{http_version} %{http_code}', `http://127.0.0.1:${clearPort}/forbidden`]);
  t.regex(c2.stdout, / 2 403$/);
  // HTTP/1.1 on the same ports still works.
  const c3 = await run('curl', ['-s', '--http1.1', '-o', '/dev/null', '-w', '%{http_version} %{http_code}', '--cacert', ca.cert, '--resolve', `site.test:${tlsPort}:127.0.0.1`, `https://site.test:${tlsPort}/page`]);
  t.is(c3.stdout, '1.1 200');
});

test('HTTP/2: a cancelled stream, a dropped connection and a stalled body leave no session behind', async (t) => {
  const [app] = await echoServers(t, ['app']);
  const [port] = await freePorts(1);
  const sock = adminSocketPath(t);
  await startHawser(t, `global
    stats socket ${sock} mode 600 level admin
${HTTP_DEFAULTS}frontend www
    bind 127.0.0.1:${port}
    timeout client 2s
    default_backend app
backend app
    server s1 127.0.0.1:${app!.port}
`);

  const sessions = (): Promise<number> => frontendSessions(sock, 'www');
  const session = connect(`http://127.0.0.1:${port}`);
  session.on('error', () => {});
  t.teardown(() => session.destroy());
  // Two slow requests in flight on one connection: one stream is cancelled (RST_STREAM).
  const a = session.request({ ':path': '/slow/1500' });
  const b = session.request({ ':path': '/slow/1500' });
  a.on('error', () => {});
  b.on('error', () => {});
  await until(async () => (await sessions()) === 2, 3000, 'two streams, two sessions');
  a.close(8 /* CANCEL */);
  await until(async () => (await sessions()) === 1, 3000, 'the cancelled stream ends its session');
  // The connection itself goes: the other stream's session ends too.
  session.destroy();
  await until(async () => (await sessions()) === 0, 3000, 'no session after the connection dropped');
  // A body that stops coming: `timeout client` ends the stream, and its session.
  const s2 = connect(`http://127.0.0.1:${port}`);
  s2.on('error', () => {});
  t.teardown(() => s2.destroy());
  const stalled = s2.request({ ':method': 'POST', ':path': '/upload', 'content-length': '1000' }, { endStream: false });
  stalled.on('error', () => {});
  stalled.write(Buffer.alloc(10));
  const t0 = Date.now();
  await new Promise((r) => stalled.on('close', r));
  const waited = Date.now() - t0;
  t.true(waited > 1500 && waited < 4000, `stream ended after ${waited} ms`);
  await until(async () => (await sessions()) === 0, 3000, 'no session after the timeout');
});
