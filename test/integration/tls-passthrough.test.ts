// TLS passed through untouched in mode tcp, routed by the server name of
// the client's own ClientHello (seed 000's "SNI" section): hawser reads
// the hello during `tcp-request inspect-delay`, never terminates, and the
// backend that answers is the one the name chose, with its own certificate
// and the client's SNI and ALPN as the client sent them. Real clients:
// node:tls, curl and openssl s_client.

import test from 'ava';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { promisify } from 'node:util';
import type { ExecutionContext } from 'ava';
import { CertFactory, type Issued } from '../support/certs.ts';
import { startHawser } from '../support/hawser-process.ts';
import { freePort } from '../support/ports.ts';
import { bodyOf, tlsClient } from '../support/tls-client.ts';

const run = promisify(execFile);

/** openssl s_client with an empty stdin (it leaves at its end); its stdout. */
function sClient(args: string[]): Promise<string> {
  return new Promise((resolve) => {
    const p = execFile('openssl', ['s_client', ...args], { encoding: 'utf8', timeout: 5000 }, (_e, stdout) => resolve(stdout));
    p.stdin?.end();
  });
}

/** An HTTPS server named `name` that says which SNI and ALPN its client's handshake carried. */
async function httpsBackend(t: ExecutionContext, name: string, cert: Issued): Promise<number> {
  const pem = readFileSync(cert.combined);
  const srv = createHttpsServer({ key: pem, cert: pem, ALPNProtocols: ['http/1.1'] }, (req, res) => {
    const sock = req.socket as TLSSocket;
    res.setHeader('connection', 'close');
    res.end(`${name} sni=${sock.servername === false ? '-' : sock.servername} alpn=${sock.alpnProtocol === false ? '-' : sock.alpnProtocol}`);
  });
  await new Promise<void>((r) => srv.listen({ host: '127.0.0.1', port: 0 }, () => r()));
  t.teardown(() => {
    srv.closeAllConnections();
    srv.close();
  });
  return (srv.address() as { port: number }).port;
}

test('mode tcp: req.ssl_sni routes the untouched handshake to the right backend', async (t) => {
  const f = new CertFactory(t);
  const ca = f.ca('ca');
  const api = await httpsBackend(t, 'api', f.issue(ca, 'api', 'api.example.com', ['api.example.com']));
  const web = await httpsBackend(t, 'web', f.issue(ca, 'web', 'www.example.com', ['www.example.com', 'example.com']));
  const port = await freePort();
  await startHawser(t, `defaults
    mode tcp
    timeout connect 1s
    timeout client 5s
    timeout server 5s
frontend tls
    bind 127.0.0.1:${port}
    tcp-request inspect-delay 2s
    tcp-request content accept if { req.ssl_hello_type 1 }
    use_backend api if { req.ssl_sni -i api.example.com }
    default_backend web
backend api
    server a 127.0.0.1:${api}
backend web
    server w 127.0.0.1:${web}
`);
  // The client verifies the backend's own certificate against the test CA: nothing in between terminated.
  const a = await tlsClient({ port, servername: 'API.Example.com', ca: ca.cert, alpn: ['http/1.1'], get: '/' });
  t.true(a.authorized, a.authorizationError);
  t.is(a.cn, 'api.example.com');
  t.is(bodyOf(a.response), 'api sni=API.Example.com alpn=http/1.1', "the backend saw the client's own SNI and ALPN");
  const w = await tlsClient({ port, servername: 'example.com', ca: ca.cert, get: '/' });
  t.is(w.cn, 'www.example.com');
  t.is(bodyOf(w.response), 'web sni=example.com alpn=-');
  // curl and openssl s_client, the same way.
  const c = await run('curl', ['-s', '--max-time', '5', '--cacert', ca.cert, '--resolve', `api.example.com:${port}:127.0.0.1`, `https://api.example.com:${port}/`], { encoding: 'utf8' });
  t.is(c.stdout, 'api sni=api.example.com alpn=http/1.1');
  const s = await sClient(['-connect', `127.0.0.1:${port}`, '-servername', 'www.example.com', '-CAfile', ca.cert, '-verify_return_error']);
  t.regex(s, /subject=.*CN = www\.example\.com/);
  t.regex(s, /Verify return code: 0 \(ok\)/);
});
