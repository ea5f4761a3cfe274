// HTTP/2 to servers (`server ... proto h2`): real node:http2 servers, in
// clear (h2c, prior knowledge) and over TLS (ALPN h2), behind a Hawser
// frontend that HTTP/1.1 and HTTP/2 clients speak to. What the server sees
// (pseudo-headers, fields, bodies, how many connections), what the client
// gets back (status, fields, the body framed as HTTP/1.1, the server's
// trailers in the last chunk), a kept-alive server connection carrying the
// next request as a new stream, a reset stream answered 502, and the
// config checks.

import test, { type ExecutionContext } from 'ava';
import { createSecureServer, createServer, connect, type Http2Server, type Http2SecureServer, type IncomingHttpHeaders, type ServerHttp2Stream } from 'node:http2';
import { readFileSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { connect as netConnect } from 'node:net';
import { CertFactory } from '../support/certs.ts';
import { h2Request } from '../support/h2-client.ts';
import { HAWSER_BIN, startHawser, writeConfig } from '../support/hawser-process.ts';
import { freePorts } from '../support/ports.ts';
import { parseResponse, rawRequest } from '../support/raw-http.ts';

interface Seen {
  headers: IncomingHttpHeaders;
  body: string;
}

interface H2Origin {
  port: number;
  seen: Seen[];
  /** Client connections (sessions) the server accepted. */
  sessions: () => number;
}

/**
 * Answers by path: /reset resets the stream, /grpc answers with trailers,
 * /nolength without a content-length, /empty with 204; anything else echoes
 * what it saw as JSON with a content-length.
 */
function handle(seen: Seen[]) {
  return (stream: ServerHttp2Stream, headers: IncomingHttpHeaders): void => {
    // An interim response, as servers answer an Expect (node:http2 leaves it to the application).
    if (headers.expect === '100-continue') stream.additionalHeaders({ ':status': 100 });
    const chunks: Buffer[] = [];
    stream.on('data', (d: Buffer) => chunks.push(d));
    stream.on('error', () => {});
    stream.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      seen.push({ headers, body });
      const path = headers[':path'];
      if (path === '/reset') {
        stream.close(2 /* INTERNAL_ERROR */);
        return;
      }
      if (path === '/grpc') {
        stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
        stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0', 'grpc-message': 'ok' }));
        stream.end('frame');
        return;
      }
      if (path === '/nolength') {
        stream.respond({ ':status': 200, 'x-origin': 'h2' });
        stream.write('part one, ');
        setTimeout(() => stream.end('part two'), 20);
        return;
      }
      if (path === '/empty') {
        stream.respond({ ':status': 204 }, { endStream: true });
        return;
      }
      const out = JSON.stringify({ method: headers[':method'], path, authority: headers[':authority'], scheme: headers[':scheme'], body });
      stream.respond({ ':status': 200, 'content-type': 'application/json', 'content-length': Buffer.byteLength(out), 'set-cookie': ['a=1', 'b=2'] });
      stream.end(headers[':method'] === 'HEAD' ? undefined : out);
    });
  };
}

async function listen(t: ExecutionContext, server: Http2Server | Http2SecureServer, seen: Seen[]): Promise<H2Origin> {
  let sessions = 0;
  const open = new Set<{ destroy(): void }>();
  server.on('session', (s) => {
    sessions++;
    open.add(s);
    s.on('close', () => open.delete(s));
  });
  server.on('stream', handle(seen));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  t.teardown(() => {
    for (const s of open) s.destroy();
    server.close();
  });
  return { port: (server.address() as { port: number }).port, seen, sessions: () => sessions };
}

function h2cOrigin(t: ExecutionContext): Promise<H2Origin> {
  const seen: Seen[] = [];
  return listen(t, createServer(), seen);
}

function config(web: number, server: string): string {
  return `defaults
    mode http
    timeout connect 2s
    timeout client 5s
    timeout server 5s
frontend www
    bind 127.0.0.1:${web}
    default_backend app
backend app
    ${server}
`;
}

/** Requests written at once on one client connection (the last says close); the responses as the client reads them. */
async function exchange(web: number, requests: string[]): Promise<ReturnType<typeof parseResponse>[]> {
  const raw = await rawRequest(web, requests.join(''));
  const out: ReturnType<typeof parseResponse>[] = [];
  // Split the byte stream into responses by their framing.
  let rest = raw;
  for (let i = 0; i < requests.length; i++) {
    const isHead = requests[i]!.startsWith('HEAD ');
    const end = rest.indexOf('\r\n\r\n') + 4;
    const head = rest.subarray(0, end).toString('latin1');
    let len = end;
    const cl = /\r\ncontent-length: (\d+)/i.exec(head);
    if (isHead || /^HTTP\/1\.1 (204|304)/.test(head)) len = end;
    else if (/\r\ntransfer-encoding: chunked/i.test(head)) {
      const last = rest.indexOf('\r\n0\r\n', end - 2);
      len = rest.indexOf('\r\n\r\n', last + 2) + 4;
    } else if (cl !== null) len = end + Number(cl[1]);
    else len = rest.length;
    out.push(parseResponse(rest.subarray(0, len), isHead));
    rest = rest.subarray(len);
  }
  return out;
}

test('h2c to the server: requests become streams with the right pseudo-headers and fields; bodies both ways; one connection carries the kept-alive requests', async (t) => {
  const origin = await h2cOrigin(t);
  const [web] = await freePorts(1);
  await startHawser(t, config(web!, `server s1 127.0.0.1:${origin.port} proto h2`));
  const replies = await exchange(web!, [
    'GET /first?q=1 HTTP/1.1\r\nHost: app.test\r\nX-Custom: one\r\nConnection: keep-alive\r\nTE: trailers, deflate\r\n\r\n',
    'POST /upload HTTP/1.1\r\nHost: app.test\r\nContent-Length: 11\r\n\r\nhello world',
    'POST /chunks HTTP/1.1\r\nHost: app.test\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n there\r\n0\r\n\r\n',
    'HEAD /head HTTP/1.1\r\nHost: app.test\r\n\r\n',
    'GET /nolength HTTP/1.1\r\nHost: app.test\r\n\r\n',
    'GET /empty HTTP/1.1\r\nHost: app.test\r\nConnection: close\r\n\r\n',
  ]);
  t.deepEqual(
    replies.map((r) => r.status),
    [200, 200, 200, 200, 200, 204],
  );
  const bodies = replies.slice(0, 3).map((r) => JSON.parse(r.body.toString()) as Record<string, string>);
  t.deepEqual(bodies[0], { method: 'GET', path: '/first?q=1', authority: 'app.test', scheme: 'http', body: '' });
  t.deepEqual(bodies[1], { method: 'POST', path: '/upload', authority: 'app.test', scheme: 'http', body: 'hello world' });
  t.deepEqual(bodies[2], { method: 'POST', path: '/chunks', authority: 'app.test', scheme: 'http', body: 'hello there' });
  t.is(replies[0]!.all('set-cookie'), 'a=1, b=2', 'repeated fields stay separate fields');
  t.is(replies[3]!.get('content-length'), String(JSON.stringify({ method: 'HEAD', path: '/head', authority: 'app.test', scheme: 'http', body: '' }).length));
  t.is(replies[3]!.body.length, 0, 'no body after HEAD');
  // No content-length from the server: the client gets the body in chunks.
  t.true(replies[4]!.chunked);
  t.is(replies[4]!.body.toString(), 'part one, part two');
  t.is(replies[4]!.get('x-origin'), 'h2');
  // What the server saw: HTTP/2 fields only, the connection-specific ones gone, TE reduced to trailers.
  const first = origin.seen[0]!.headers;
  t.is(first['x-custom'], 'one');
  t.is(first.connection, undefined);
  t.is(first.host, undefined);
  t.is(first.te, 'trailers');
  t.is(origin.seen.length, 6);
  t.is(origin.sessions(), 1, 'one HTTP/2 connection carried the six requests, one stream each');
  // HTTP/2 has no reason phrase: the client gets the standard one.
  const empty = (await rawRequest(web!, 'GET /empty HTTP/1.1\r\nHost: app.test\r\nConnection: close\r\n\r\n')).toString('latin1');
  t.regex(empty, /^HTTP\/1\.1 204 No Content\r\n/);
});

test("the server's trailers reach an HTTP/1.1 client in the last chunk (gRPC's grpc-status)", async (t) => {
  const origin = await h2cOrigin(t);
  const [web] = await freePorts(1);
  await startHawser(t, config(web!, `server s1 127.0.0.1:${origin.port} proto h2`));
  const raw = (await rawRequest(web!, 'POST /grpc HTTP/1.1\r\nHost: app.test\r\nTE: trailers\r\nContent-Type: application/grpc\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello')).toString('latin1');
  t.regex(raw, /^HTTP\/1\.1 200 OK\r\n/);
  t.regex(raw, /\r\ntransfer-encoding: chunked\r\n/i);
  t.true(raw.endsWith('\r\n5\r\nframe\r\n0\r\ngrpc-status: 0\r\ngrpc-message: ok\r\n\r\n'), JSON.stringify(raw.slice(-80)));
});

test('an HTTP/2 client through an HTTP/2 server: the same rules, the stream answered, gRPC trailers carried', async (t) => {
  const origin = await h2cOrigin(t);
  const [web] = await freePorts(1);
  await startHawser(
    t,
    config(web!, `http-request set-header X-Added yes\n    server s1 127.0.0.1:${origin.port} proto h2`).replace('default_backend app', 'default_backend app\n    http-response set-header X-Via hawser'),
  );
  const session = connect(`http://127.0.0.1:${web}`);
  t.teardown(() => session.destroy());
  const r = await h2Request(session, '/h2/path', { method: 'POST', body: Buffer.from('from an h2 client'), headers: { ':authority': 'app.test' } });
  t.is(Number(r.headers[':status']), 200);
  t.is(r.headers['x-via'], 'hawser');
  t.deepEqual(JSON.parse(r.body), { method: 'POST', path: '/h2/path', authority: 'app.test', scheme: 'http', body: 'from an h2 client' });
  t.is(origin.seen[0]!.headers['x-added'], 'yes');
  // gRPC end to end: the server's trailers reach the HTTP/2 client as trailers.
  const grpc = session.request({ ':method': 'POST', ':path': '/grpc', ':authority': 'app.test', te: 'trailers', 'content-type': 'application/grpc' });
  const got = await new Promise<{ status: number; body: string; trailers: IncomingHttpHeaders | undefined }>((resolve, reject) => {
    let status = 0;
    let trailers: IncomingHttpHeaders | undefined;
    let body = '';
    grpc.on('response', (h) => (status = Number(h[':status'])));
    grpc.on('data', (d: Buffer) => (body += d.toString()));
    grpc.on('trailers', (h) => (trailers = h));
    grpc.on('error', reject);
    grpc.on('close', () => resolve({ status, body, trailers }));
    grpc.setTimeout(5000, () => grpc.close());
    grpc.end('hello');
  });
  t.is(got.status, 200);
  t.is(got.body, 'frame');
  t.like(got.trailers, { 'grpc-status': '0', 'grpc-message': 'ok' });
  // A chunked response without trailers still ends its stream.
  const plain = await h2Request(session, '/nolength', { headers: { ':authority': 'app.test' } });
  t.is(plain.body, 'part one, part two');
  t.is(plain.rstCode, 0);
});

test("an Expect: 100-continue request: the server's 100 Continue reaches the client, which then sends its body", async (t) => {
  const origin = await h2cOrigin(t);
  const [web] = await freePorts(1);
  await startHawser(t, config(web!, `server s1 127.0.0.1:${origin.port} proto h2`));
  const sock = netConnect({ host: '127.0.0.1', port: web! });
  t.teardown(() => sock.destroy());
  let got = '';
  const until = (what: RegExp): Promise<void> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${what} in ${JSON.stringify(got)}`)), 5000);
      const check = (): void => {
        if (!what.test(got)) return;
        clearTimeout(timer);
        sock.off('data', onData);
        resolve();
      };
      const onData = (d: Buffer): void => {
        got += d.toString('latin1');
        check();
      };
      sock.on('data', onData);
      check();
    });
  sock.write('POST /continue HTTP/1.1\r\nHost: app.test\r\nExpect: 100-continue\r\nContent-Length: 4\r\nConnection: close\r\n\r\n');
  await until(/^HTTP\/1\.1 100 Continue\r\n\r\n/);
  t.is(origin.seen.length, 0, 'the body is not sent yet');
  sock.write('body');
  await until(/\r\n\r\n\{.*\}$/s);
  t.regex(got, /HTTP\/1\.1 200 OK\r\n/);
  t.like(JSON.parse(got.slice(got.lastIndexOf('\r\n\r\n') + 4)), { path: '/continue', body: 'body' });
});

test('a stream the server resets is answered 502; the next request opens a new connection', async (t) => {
  const origin = await h2cOrigin(t);
  const [web] = await freePorts(1);
  await startHawser(t, config(web!, `server s1 127.0.0.1:${origin.port} proto h2`));
  const reset = parseResponse(await rawRequest(web!, 'GET /reset HTTP/1.1\r\nHost: app.test\r\nConnection: close\r\n\r\n'));
  t.is(reset.status, 502);
  const after = parseResponse(await rawRequest(web!, 'GET /after HTTP/1.1\r\nHost: app.test\r\nConnection: close\r\n\r\n'));
  t.is(after.status, 200);
  t.is((JSON.parse(after.body.toString()) as { path: string }).path, '/after');
});

test('an Upgrade request cannot be carried to an HTTP/2 server: 502, and the server sees nothing', async (t) => {
  const origin = await h2cOrigin(t);
  const [web] = await freePorts(1);
  await startHawser(t, config(web!, `server s1 127.0.0.1:${origin.port} proto h2`));
  const r = parseResponse(
    await rawRequest(web!, 'GET /ws HTTP/1.1\r\nHost: app.test\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n'),
  );
  t.is(r.status, 502);
  t.is(origin.seen.length, 0);
});

test('over TLS: ALPN h2 is offered, the certificate verified, :scheme is https', async (t) => {
  const f = new CertFactory(t);
  const ca = f.ca('ca');
  const site = f.issue(ca, 'origin', 'origin.test', ['origin.test']);
  const seen: Seen[] = [];
  const origin = await listen(t, createSecureServer({ cert: readFileSync(site.cert), key: readFileSync(site.key), allowHTTP1: false }), seen);
  const [web] = await freePorts(1);
  await startHawser(t, config(web!, `server s1 127.0.0.1:${origin.port} ssl verify required ca-file ${ca.cert} sni str(origin.test) proto h2`));
  const replies = await exchange(web!, ['GET /tls HTTP/1.1\r\nHost: app.test\r\n\r\n', 'GET /grpc HTTP/1.1\r\nHost: app.test\r\nConnection: close\r\n\r\n']);
  t.is(replies[0]!.status, 200);
  t.like(JSON.parse(replies[0]!.body.toString()), { path: '/tls', scheme: 'https' });
  t.is(replies[1]!.body.toString(), 'frame');
  t.is(origin.sessions(), 1);
});

function check(t: ExecutionContext, text: string): Promise<{ code: number; out: string }> {
  const file = writeConfig(t, text);
  return new Promise((resolve) => {
    execFile(process.execPath, [HAWSER_BIN, '-c', '-f', file], (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : ((err as { code?: number }).code ?? 1), out: stdout + stderr });
    });
  });
}

test('config: proto h2 in a tcp backend, alpn h2 without proto h2, and an unknown protocol are errors with file:line', async (t) => {
  const tcp = await check(t, config(8080, 'server s1 127.0.0.1:81 proto h2').replace('    mode http\n', '    mode tcp\n'));
  t.not(tcp.code, 0);
  t.regex(tcp.out, /HAWSER_CFG_\w+ \S*hawser\.cfg:10: server 'app\/s1': 'proto h2' is not usable in backend 'app', which is 'mode tcp'/);
  const alpn = await check(t, config(8080, 'server s1 127.0.0.1:443 ssl verify none alpn h2,http/1.1'));
  t.regex(alpn.out, /hawser\.cfg:10: server app\/s1: 'alpn h2,http\/1\.1' offers h2 to the server, .* add 'proto h2'/);
  t.not(alpn.code, 0);
  t.is((await check(t, config(8080, 'server s1 127.0.0.1:443 ssl verify none alpn h2,http/1.1 proto h2'))).code, 0);
  const bad = await check(t, config(8080, 'server s1 127.0.0.1:81 proto h3'));
  t.regex(bad.out, /hawser\.cfg:10: server app\/s1: 'proto' expects 'h2' or 'h1', not 'h3'/);
});
