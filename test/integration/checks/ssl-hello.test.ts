// ssl-hello-chk and `tcp-check connect ssl` against a real node:tls server
// with a throwaway self-signed certificate made by openssl.

import test from 'ava';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import { join } from 'node:path';
import tls from 'node:tls';
import { runScript, scriptFor } from '../../../src/checks/index.ts';
import { requireBinary, run, tcpServer, tempDir } from './servers.ts';

const timing = { inter: 2000, timeoutConnect: 1000, timeoutCheck: 1000 };
const pos = { file: 'hawser.cfg', line: 1 };

async function tlsServer(t: import('ava').ExecutionContext): Promise<number> {
  const openssl = requireBinary('openssl', 'openssl');
  const dir = tempDir(t, 'tls');
  run(openssl, ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', '/CN=test', '-days', '1',
    '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')]);
  const srv = tls.createServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (s) => {
    s.on('error', () => {});
    s.end('hello over tls\r\n');
  });
  srv.on('tlsClientError', () => {});
  const sockets = new Set<net.Socket>();
  srv.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => { for (const s of sockets) s.destroy(); srv.close(() => resolve()); }));
  return (srv.address() as net.AddressInfo).port;
}

test('a TLS server answers the SSLv3 hello: layer 6 check passed', async (t) => {
  const port = await tlsServer(t);
  t.like(await runScript(scriptFor({ kind: 'ssl-hello' }), { host: '127.0.0.1', port }, timing), { ok: true, status: 'L6OK', info: '' });
});

test('a plain HTTP server is not SSL: layer 6 invalid response', async (t) => {
  const srv = http.createServer((_q, r) => r.end('plain'));
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => { srv.closeAllConnections(); srv.close(() => resolve()); }));
  const port = (srv.address() as net.AddressInfo).port;
  t.like(await runScript(scriptFor({ kind: 'ssl-hello' }), { host: '127.0.0.1', port }, timing), { ok: false, status: 'L6RSP' });
});

test('tcp-check connect ssl: the handshake, then the rules over TLS', async (t) => {
  const port = await tlsServer(t);
  const ok = scriptFor({ kind: 'tcp-check', rules: [
    { pos, kind: 'connect', ssl: true, sendProxy: false },
    { pos, kind: 'expect', negate: false, match: 'string', pattern: 'hello over tls' },
  ] });
  t.like(await runScript(ok, { host: '127.0.0.1', port }, timing), { ok: true, status: 'L7OK', info: '(tcp-check)' });
  const connectOnly = scriptFor({ kind: 'tcp-check', rules: [{ pos, kind: 'connect', ssl: true, sendProxy: false }] });
  t.like(await runScript(connectOnly, { host: '127.0.0.1', port }, timing), { ok: true, status: 'L6OK', info: '(tcp-check)' });
  const notTls = await tcpServer(t, (s) => s.once('data', () => s.end('HTTP/1.1 400 Bad Request\r\n\r\n')));
  t.like(await runScript(connectOnly, { host: '127.0.0.1', port: notTls }, timing),
    { ok: false, status: 'L6RSP', info: 'SSL handshake failure at step 1 of tcp-check (connect)' });
});
