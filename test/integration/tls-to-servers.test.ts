// TLS from hawser to its servers (`server ... ssl`): the chain verified
// against `ca-file` with `verify required`, the name checked against
// `verifyhost` or else the SNI sent, `sni EXPR` evaluated per connection,
// `alpn`, a client certificate (`crt`), sessions resumed, `verify none`,
// and health checks over TLS. The server is a real node:https server that
// says what each handshake carried.

import test from 'ava';
import { readFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { CertFactory } from '../support/certs.ts';
import { HTTP_DEFAULTS } from '../support/configs.ts';
import { startHawser } from '../support/hawser-process.ts';
import { httpRequest } from '../support/http-client.ts';
import { freePort } from '../support/ports.ts';

test('server ssl: verify, verifyhost, sni EXPR, alpn, client certificate, resumption, verify none, check-ssl', async (t) => {
  const f = new CertFactory(t);
  const ca = f.ca('ca');
  const other = f.ca('other');
  const site = f.issue(ca, 'backend', 'backend.test', ['backend.test', 'dyn.test']);
  const client = f.issue(ca, 'lb', 'lb-client', [], { client: true });
  const pem = readFileSync(site.combined);
  const srv = createHttpsServer(
    { key: pem, cert: pem, ca: readFileSync(ca.cert), requestCert: true, rejectUnauthorized: false, ALPNProtocols: ['h2', 'http/1.1'] },
    (req, res) => {
      const s = req.socket as TLSSocket;
      const peer = s.getPeerX509Certificate();
      res.end(
        `sni=${s.servername === false ? '-' : s.servername} alpn=${s.alpnProtocol === false ? '-' : s.alpnProtocol}` +
          ` client=${peer === undefined ? '-' : (/CN=(.*)/.exec(peer.subject)?.[1] ?? '?')} reused=${s.isSessionReused() ? 1 : 0}`,
      );
    },
  );
  await new Promise<void>((r) => srv.listen({ host: '127.0.0.1', port: 0 }, () => r()));
  t.teardown(() => {
    srv.closeAllConnections();
    srv.close();
  });
  const b = (srv.address() as { port: number }).port;
  const port = await freePort();
  const h = await startHawser(t, `global
    log stdout format raw local0
    # Sessions to servers are kept per thread (as HAProxy keeps them): one thread, so the second request resumes the first's.
    nbthread 1
${HTTP_DEFAULTS}    log global
    option http-server-close
    # A refused handshake is a connection failure: no retries, to keep the test short.
    retries 0
frontend www
    bind 127.0.0.1:${port}
    use_backend %[path,field(2,/)]
backend full
    server s 127.0.0.1:${b} ssl verify required ca-file ${ca.cert} sni str(backend.test) alpn http/1.1 crt ${client.combined}
backend dynamic
    server s 127.0.0.1:${b} ssl verify required ca-file ${ca.cert} sni req.hdr(host)
backend verifyhost
    server s 127.0.0.1:${b} ssl verify required ca-file ${ca.cert} verifyhost backend.test
backend wrongname
    server s 127.0.0.1:${b} ssl verify required ca-file ${ca.cert} sni str(nothere.test)
backend wrongca
    server s 127.0.0.1:${b} ssl verify required ca-file ${other.cert} sni str(backend.test)
backend none
    server s 127.0.0.1:${b} ssl verify none
backend checked
    option httpchk GET /
    option log-health-checks
    server tls 127.0.0.1:${b} ssl verify none check inter 200 rise 1 fall 1
    server plain 127.0.0.1:${b} check inter 200 rise 1 fall 1
    server verified 127.0.0.1:${b} ssl verify required ca-file ${ca.cert} check-sni backend.test check inter 200 rise 1 fall 1
    server badname 127.0.0.1:${b} ssl verify required ca-file ${ca.cert} check-sni nothere.test check inter 200 rise 1 fall 1
`);
  const get = async (path: string, host = 'x'): Promise<string> => {
    const r = await httpRequest(port, path, { headers: { host } });
    return `${r.status} ${r.text}`;
  };
  t.is(await get('/full/'), '200 sni=backend.test alpn=http/1.1 client=lb-client reused=0');
  t.is(await get('/full/'), '200 sni=backend.test alpn=http/1.1 client=lb-client reused=1', 'the last session is resumed');
  t.is(await get('/dynamic/', 'dyn.test'), '200 sni=dyn.test alpn=- client=- reused=0', 'sni EXPR per connection');
  t.is(await get('/verifyhost/'), '200 sni=- alpn=- client=- reused=0', 'no SNI, the name checked against verifyhost');
  t.regex(await get('/wrongname/'), /^503 /, 'the certificate does not carry the SNI sent');
  t.regex(await get('/wrongca/'), /^503 /, 'a chain from another CA');
  t.regex(await get('/dynamic/', 'elsewhere.test'), /^503 /);
  t.is(await get('/none/'), '200 sni=- alpn=- client=- reused=0');
  // Checks follow the traffic: over TLS for `ssl`, in clear (and so refused by the TLS server) otherwise.
  await h.waitFor((l) => l.includes('checked/tls') && /succeeded|is UP/.test(l));
  await h.waitFor((l) => l.includes('checked/plain') && /failed|is DOWN/.test(l));
  // with the server's own verification: the CA, and the name against check-sni.
  await h.waitFor((l) => l.includes('checked/verified') && /succeeded|is UP/.test(l));
  await h.waitFor((l) => l.includes('checked/badname') && /failed|is DOWN/.test(l));
  t.false(h.lines.some((l) => l.includes('checked/badname') && /succeeded/.test(l)));
});
