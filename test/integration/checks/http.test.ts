// HTTP checks against a real node:http server: what it receives, how each
// expect variant judges its answers, and a HealthCheck following the server
// down and back up, logged with HAProxy's words.

import test from 'ava';
import http from 'node:http';
import type net from 'node:net';
import { HealthCheck, runScript, scriptFor, transitionMessage, type CheckResult } from '../../../src/checks/index.ts';
import type { CheckProtocol } from '../../../src/config/model.ts';
import { freePort, tcpServer, waitFor } from './servers.ts';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

async function httpServer(t: import('ava').ExecutionContext, handler: Handler, port = 0): Promise<{ port: number; close(): Promise<void> }> {
  const srv = http.createServer(handler);
  const sockets = new Set<net.Socket>();
  srv.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  await new Promise<void>((resolve) => srv.listen(port, '127.0.0.1', resolve));
  const close = () => new Promise<void>((resolve) => {
    for (const s of sockets) s.destroy();
    if (!srv.listening) return resolve();
    srv.close(() => resolve());
  });
  t.teardown(close);
  return { port: (srv.address() as net.AddressInfo).port, close };
}

const httpchk = (o: Partial<Extract<CheckProtocol, { kind: 'http' }>> = {}): CheckProtocol =>
  ({ kind: 'http', method: 'OPTIONS', uri: '/', version: 'HTTP/1.0', headers: [], ...o });
const pos = { file: 'hawser.cfg', line: 1 };
const timing = { inter: 2000, timeoutConnect: 1000, timeoutCheck: 1000 };
const check = (protocol: CheckProtocol, port: number): Promise<CheckResult> =>
  runScript(scriptFor(protocol), { host: '127.0.0.1', port }, timing);

test('the default check: OPTIONS / HTTP/1.0, 2xx/3xx pass', async (t) => {
  const seen: string[] = [];
  let status = 200;
  const { port } = await httpServer(t, (req, res) => {
    seen.push(`${req.method} ${req.url} HTTP/${req.httpVersion} ${JSON.stringify(req.headers)}`);
    res.writeHead(status);
    res.end('fine');
  });
  t.like(await check(httpchk(), port), { ok: true, status: 'L7OK', code: 200, info: '' });
  t.deepEqual(seen, ['OPTIONS / HTTP/1.0 {}']);
  status = 302;
  t.like(await check(httpchk(), port), { ok: true, code: 302 });
  status = 503;
  t.like(await check(httpchk(), port), { ok: false, status: 'L7STS', code: 503, info: 'Service Unavailable' });
});

test('http-check send: method, URI, version, headers and body reach the server', async (t) => {
  let got = '';
  const { port } = await httpServer(t, (req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      got = `${req.method} ${req.url} ${req.httpVersion} host=${req.headers.host} conn=${req.headers.connection} body=${body}`;
      res.end('ok');
    });
  });
  const r = await check(httpchk({ method: 'POST', uri: '/health?deep=1', version: 'HTTP/1.1', headers: [['Host', 'app.example']], body: 'ping' }), port);
  t.like(r, { status: 'L7OK', code: 200 });
  t.is(got, 'POST /health?deep=1 1.1 host=app.example conn=close body=ping');
});

test('http-check expect: status, rstatus, string, rstring, and their negations', async (t) => {
  const { port } = await httpServer(t, (req, res) => {
    if (req.url === '/busy') {
      res.writeHead(429, { 'content-type': 'text/plain' });
      return res.end('slow down');
    }
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.write('status: ');
    setTimeout(() => res.end('ready <!--tag:0af3--></html>'), 20);
  });
  const expect = (match: 'status' | 'rstatus' | 'string' | 'rstring', pattern: string, negate = false, uri = '/') =>
    check(httpchk({ uri, expect: { pos, match, pattern, negate } }), port);
  t.like(await expect('status', '200,300-310'), { status: 'L7OK', code: 200 });
  t.like(await expect('status', '400-499', false, '/busy'), { status: 'L7OK', code: 429 });
  t.like(await expect('status', '200', false, '/busy'), { status: 'L7STS', code: 429, info: 'Too Many Requests' });
  t.like(await expect('rstatus', '^5', true, '/busy'), { status: 'L7OK' });
  t.like(await expect('rstatus', '^4', true, '/busy'), { status: 'L7STS', info: 'Too Many Requests' });
  t.like(await expect('string', 'ready'), { status: 'L7OK' }, 'the body arrives in two writes');
  t.like(await expect('string', 'SQL Error', true), { status: 'L7OK' });
  t.like(await expect('string', 'ready', true), { status: 'L7RSP', info: 'HTTP check matched unwanted content' });
  t.like(await expect('rstring', '<!--tag:[0-9a-f]*--></html>'), { status: 'L7OK' });
  t.like(await expect('rstring', '^maintenance'), { status: 'L7RSP', info: 'HTTP content check did not match' });
});

test('timeouts and refusals', async (t) => {
  const silent = await tcpServer(t, () => {});
  const started = Date.now();
  t.like(await runScript(scriptFor(httpchk()), { host: '127.0.0.1', port: silent }, { inter: 2000, timeoutConnect: 1000, timeoutCheck: 150 }),
    { ok: false, status: 'L7TOUT', info: '' });
  const took = Date.now() - started;
  t.true(took >= 140 && took < 1000, `timeout check bounds the read (${took}ms)`);
  const noCheckTimeout = Date.now();
  t.like(await runScript(scriptFor(httpchk()), { host: '127.0.0.1', port: silent }, { inter: 200 }), { status: 'L7TOUT' });
  t.true(Date.now() - noCheckTimeout < 1000, 'without timeout check, inter bounds the check');
  const closed = await freePort();
  t.like(await check(httpchk(), closed), { ok: false, status: 'L4CON', info: 'Connection refused' });
  const rude = await tcpServer(t, (s) => s.once('data', () => s.end()));
  t.like(await check(httpchk(), rude), { status: 'L7RSP', info: '' });
});

test('a HealthCheck follows the server down and back up', async (t) => {
  const port = await freePort();
  let server = await httpServer(t, (_q, res) => res.end('ok'), port);
  const transitions: string[] = [];
  const hc = new HealthCheck({ backend: 'app', server: 'app1', host: '127.0.0.1', port },
    { check: { protocol: httpchk(), inter: 50, fastinter: 20, downinter: 40, rise: 2, fall: 2, timeoutConnect: 500, timeoutCheck: 500 } },
    {
      onTransition: (up, result) => transitions.push(transitionMessage({
        backend: 'app', server: 'app1', up, result: { ...result, durationMs: 0 }, activeServers: up ? 1 : 0, backupServers: 0,
      })),
    });
  t.teardown(() => hc.stop());
  hc.start();
  await waitFor(() => hc.lastResult?.status === 'L7OK');
  t.true(hc.up);
  await server.close();
  await waitFor(() => !hc.up);
  t.like(hc.lastResult, { status: 'L4CON', info: 'Connection refused' });
  server = await httpServer(t, (_q, res) => res.end('ok'), port);
  await waitFor(() => hc.up);
  hc.stop();
  t.deepEqual(transitions, [
    'Server app/app1 is DOWN, reason: Layer4 connection problem, info: "Connection refused", check duration: 0ms. 0 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.',
    'Server app/app1 is UP, reason: Layer7 check passed, code: 200, check duration: 0ms. 1 active and 0 backup servers online. 0 sessions requeued, 0 total in queue.',
  ]);
});
