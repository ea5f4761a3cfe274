// hawser in `mode http` between a real client and real servers: balancing,
// keep-alive and reuse, streamed bodies both ways, the connection options,
// and HAProxy's own error responses.

import test from 'ava';
import { Agent } from 'node:http';
import { createHash } from 'node:crypto';
import { connect } from 'node:net';
import { echoServers, tcpServer, trackConcurrency } from '../support/backends.ts';
import { startHawser } from '../support/hawser-process.ts';
import { freePort } from '../support/ports.ts';
import { httpRequest, rawConnection, rawExchange } from '../support/http-client.ts';

const DEFAULTS = `
defaults
    mode http
    timeout connect 2s
    timeout client 10s
    timeout server 10s
`;

async function proxyTo(t: Parameters<typeof startHawser>[0], servers: Array<{ name: string; port: number }>, extra = '', feExtra = '') {
  const port = await freePort();
  const cfg = `${DEFAULTS}
frontend www
    bind 127.0.0.1:${port}
${feExtra}
    default_backend app

backend app
${extra}
${servers.map((s) => `    server ${s.name} 127.0.0.1:${s.port}`).join('\n')}
`;
  const proc = await startHawser(t, cfg);
  return { port, proc };
}

test('roundrobin spreads requests evenly over the servers', async (t) => {
  const servers = await echoServers(t, ['s1', 's2', 's3']);
  const { port } = await proxyTo(t, servers, '    balance roundrobin');
  const seen: string[] = [];
  for (let i = 0; i < 30; i++) {
    const r = await httpRequest(port, '/x');
    t.is(r.status, 200);
    seen.push(JSON.parse(r.text).server);
  }
  for (const s of ['s1', 's2', 's3']) t.is(seen.filter((x) => x === s).length, 10, `${s} gets a third`);
  // smooth: no server twice in a row with equal weights
  for (let i = 1; i < seen.length; i++) t.not(seen[i], seen[i - 1]);
});

test('keep-alive on both sides: one client connection, server connections reused', async (t) => {
  const servers = await echoServers(t, ['s1']);
  const { port } = await proxyTo(t, servers);
  const serverConns = new Set<unknown>();
  servers[0].server.on('connection', (s) => serverConns.add(s));
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  t.teardown(() => agent.destroy());
  const clientSockets = new Set<unknown>();
  for (let i = 0; i < 20; i++) {
    const r = await httpRequest(port, `/k${i}`, { agent });
    t.is(r.status, 200);
    t.is(JSON.parse(r.text).url, `/k${i}`);
    for (const list of Object.values(agent.freeSockets)) for (const s of list ?? []) clientSockets.add(s);
  }
  t.is(clientSockets.size, 1, 'the client kept one connection');
  t.is(serverConns.size, 1, 'the server saw one connection for 20 requests');
});

test('X-Forwarded-For, and hop-by-hop headers are not forwarded', async (t) => {
  const servers = await echoServers(t, ['s1']);
  const { port } = await proxyTo(t, servers, '', '    option forwardfor');
  const r = await httpRequest(port, '/h', { headers: { 'keep-alive': 'timeout=5', 'x-custom': 'kept' } });
  const seen = JSON.parse(r.text);
  t.is(seen.headers['x-forwarded-for'], '127.0.0.1');
  t.is(seen.headers['x-custom'], 'kept');
  t.is(seen.headers['keep-alive'], undefined);
});

test('large upload and download stream through without corruption', async (t) => {
  const servers = await echoServers(t, ['s1']);
  const { port } = await proxyTo(t, servers);
  const size = 64 * 1024 * 1024;
  const dl = await httpRequest(port, `/bytes/${size}`, { timeoutMs: 30_000 });
  t.is(dl.status, 200);
  t.is(dl.body.length, size);
  t.is(Number(dl.headers['content-length']), size);
  const up = Buffer.alloc(32 * 1024 * 1024, 7);
  const r = await httpRequest(port, '/upload', { method: 'POST', body: up, timeoutMs: 30_000 });
  t.is(JSON.parse(r.text).bodyBytes, up.length);
});

test('chunked bodies both ways, byte for byte', async (t) => {
  const servers = await echoServers(t, ['s1']);
  const { port } = await proxyTo(t, servers);
  const r = await httpRequest(port, '/chunked/300000');
  t.is(r.status, 200);
  t.is(r.headers['transfer-encoding'], 'chunked');
  t.is(r.body.length, 300000);
  // a chunked upload written by hand, split at awkward places
  const c = await rawConnection(port);
  t.teardown(() => c.socket.destroy());
  c.socket.write('POST /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel');
  await new Promise((r) => setTimeout(r, 50));
  c.socket.write('lo\r\n6;ext\r\n world\r\n0\r\n\r\n');
  const text = await c.waitFor('"bodyBytes"');
  t.regex(text, /"bodyBytes":11/);
});

test('HEAD gets headers only, and the connection stays usable', async (t) => {
  const servers = await echoServers(t, ['s1']);
  const { port } = await proxyTo(t, servers);
  const c = await rawConnection(port);
  t.teardown(() => c.socket.destroy());
  c.socket.write('HEAD /bytes/1000 HTTP/1.1\r\nHost: x\r\n\r\nGET /after HTTP/1.1\r\nHost: x\r\n\r\n');
  const text = await c.waitFor('"url":"/after"');
  t.regex(text, /^HTTP\/1\.1 200 OK\r\n[\s\S]*content-length: 1000\r\n/i);
  t.is(text.match(/HTTP\/1\.1 200/g)?.length, 2, 'two responses on one connection (pipelined)');
  t.false(text.includes('aaaa'), 'no body after HEAD');
});

test('Expect: 100-continue passes the interim response through', async (t) => {
  const servers = await echoServers(t, ['s1']);
  const { port } = await proxyTo(t, servers);
  const c = await rawConnection(port);
  t.teardown(() => c.socket.destroy());
  c.socket.write('POST /c HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n');
  await c.waitFor('100 Continue');
  c.socket.write('body');
  const text = await c.waitFor('"bodyBytes":4');
  t.regex(text, /^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 OK/);
});

test('option http-server-close closes server connections, keeps the client one', async (t) => {
  const servers = await echoServers(t, ['s1']);
  const { port } = await proxyTo(t, servers, '', '    option http-server-close');
  let conns = 0;
  servers[0].server.on('connection', () => conns++);
  const c = await rawConnection(port);
  t.teardown(() => c.socket.destroy());
  c.socket.write('GET /1 HTTP/1.1\r\nHost: x\r\n\r\n');
  await c.waitFor('"url":"/1"');
  c.socket.write('GET /2 HTTP/1.1\r\nHost: x\r\n\r\n');
  const text = await c.waitFor('"url":"/2"');
  t.is(conns, 2);
  t.regex(text, /"connection":"close"/, 'the server was told to close');
});

test('option httpclose closes the client connection after the response', async (t) => {
  const servers = await echoServers(t, ['s1']);
  const { port } = await proxyTo(t, servers, '', '    option httpclose');
  const r = await rawExchange(port, 'GET /1 HTTP/1.1\r\nHost: x\r\n\r\n');
  t.true(r.closed);
  t.regex(r.text, /connection: close/i);
});

test('a malformed request gets HAProxy\'s 400 and never reaches a server', async (t) => {
  const servers = await echoServers(t, ['s1']);
  const { port, proc } = await proxyTo(t, servers);
  for (const bad of [
    'GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n',
    'GET / HTTP/1.1\r\nHost: x\r\n  folded: yes\r\n\r\n',
    'G@T / HTTP/1.1\r\nHost: x\r\n\r\n',
    'GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
    '\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03\r\n\r\n',
  ]) {
    const r = await rawExchange(port, bad);
    t.regex(r.text, /^HTTP\/1\.1 400 Bad request\r\n/, JSON.stringify(bad));
    t.true(r.text.includes('Your browser sent an invalid request.'));
    t.true(r.closed);
  }
  t.is(servers[0].hits, 0, 'nothing reached the server');
  t.is(proc.child.exitCode, null, 'still running');
});

test('no server up: 503 with HAProxy\'s text', async (t) => {
  const dead = await freePort();
  const { port } = await proxyTo(t, [{ name: 'gone', port: dead }], '    retries 1\n    timeout connect 200ms');
  const r = await httpRequest(port, '/');
  t.is(r.status, 503);
  t.true(r.text.includes('No server is available to handle this request.'));
});

test('server timeout: 504; incomplete response: 502', async (t) => {
  const servers = await echoServers(t, ['s1']);
  const port = await freePort();
  const port2 = await freePort();
  const broken = await tcpServer(t, (s) => {
    s.once('data', () => s.end('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n'));
  });
  await startHawser(
    t,
    `${DEFAULTS}
frontend www
    bind 127.0.0.1:${port}
    default_backend app
backend app
    timeout server 300ms
    server s1 127.0.0.1:${servers[0].port}
frontend www2
    bind 127.0.0.1:${port2}
    default_backend broken
backend broken
    server b 127.0.0.1:${broken.port}
`,
  );
  const slow = await httpRequest(port, '/slow/2000');
  t.is(slow.status, 504);
  t.true(slow.text.includes("The server didn't respond in time."));
  const bad = await httpRequest(port2, '/');
  t.is(bad.status, 502);
});

test('timeout http-request: a slow client gets 408', async (t) => {
  const servers = await echoServers(t, ['s1']);
  const { port } = await proxyTo(t, servers, '', '    timeout http-request 300ms');
  const c = await rawConnection(port);
  t.teardown(() => c.socket.destroy());
  c.socket.write('GET / HTTP/1.1\r\nHost: x\r\n');
  const text = await c.waitFor('408', 3000);
  t.regex(text, /^HTTP\/1\.1 408 Request Time-out/);
});

test('retries then option redispatch move the request to a live server', async (t) => {
  const servers = await echoServers(t, ['alive']);
  const dead = await freePort();
  const { port } = await proxyTo(
    t,
    [
      { name: 'dead', port: dead },
      { name: 'alive', port: servers[0].port },
    ],
    '    balance first\n    retries 2\n    option redispatch\n    timeout connect 300ms',
  );
  const r = await httpRequest(port, '/');
  t.is(r.status, 200);
  t.is(JSON.parse(r.text).server, 'alive');
});

test('server maxconn queues requests instead of overloading the server', async (t) => {
  const servers = await echoServers(t, ['s1']);
  const load = trackConcurrency(servers[0]);
  const port = await freePort();
  await startHawser(
    t,
    `${DEFAULTS}
frontend www
    bind 127.0.0.1:${port}
    default_backend app
backend app
    timeout queue 5s
    server s1 127.0.0.1:${servers[0].port} maxconn 2
`,
  );
  const replies = await Promise.all(Array.from({ length: 8 }, (_, i) => httpRequest(port, `/slow/100?${i}`)));
  t.true(replies.every((r) => r.status === 200));
  t.is(load.peak, 2, 'never more than maxconn at the server');
});

test('a response body survives byte-exact through the proxy (hash check)', async (t) => {
  const servers = await echoServers(t, ['s1']);
  const { port } = await proxyTo(t, servers);
  const direct = await httpRequest(servers[0].port, '/bytes/1000000');
  const via = await httpRequest(port, '/bytes/1000000');
  const h = (b: Buffer) => createHash('sha256').update(b).digest('hex');
  t.is(h(via.body), h(direct.body));
});

test('a slow reader is not cut by timeout server while the proxy waits on it', async (t) => {
  const servers = await echoServers(t, ['s1']);
  // 1 s: the server here shares its process with other tests, and a stall of
  // a few hundred ms on a loaded machine is a real server timeout.
  const { port } = await proxyTo(t, servers, '    timeout server 1s');
  const size = 20_000_000;
  const got = await new Promise<number>((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    let n = 0;
    s.on('data', (d) => {
      n += d.length;
    });
    s.on('close', () => resolve(n));
    s.on('error', () => {});
    s.write(`GET /bytes/${size} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    // stop reading well past timeout server, then read the rest
    setTimeout(() => s.pause(), 5);
    setTimeout(() => s.resume(), 2500);
  });
  t.true(got > size, `received ${got} bytes (body ${size} + head)`);
});
