// TLS terminated by hawser, as clients meet it: certificates chosen by SNI
// (exact names, wildcards, ECDSA and RSA for one name, the first one as
// default), ALPN, refused old versions, redirect to https, the ssl_* fetches,
// client certificates, crt-list, session resumption, reload of renewed
// files and `show ssl cert`. Real clients (node:tls, curl, openssl
// s_client) against certificates made by openssl in the test, and a real
// backend behind.

import test from 'ava';
import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { connect } from 'node:net';
import { echoServers } from '../support/backends.ts';
import { CertFactory } from '../support/certs.ts';
import { HTTP_DEFAULTS } from '../support/configs.ts';
import { runHawser, startHawser, writeConfig } from '../support/hawser-process.ts';
import { freePort, freePorts } from '../support/ports.ts';
import { bodyOf, tlsClient } from '../support/tls-client.ts';

function curl(args: string[]): string {
  return execFileSync('curl', ['-s', '--max-time', '5', ...args], { encoding: 'latin1' });
}

test('SNI picks the certificate: exact names, wildcards, ECDSA and RSA for one name, the first as default', async (t) => {
  const f = new CertFactory(t);
  const ca = f.ca('ca');
  const site = f.issue(ca, 'site', 'site.test', ['site.test', 'www.site.test']);
  const wild = f.issue(ca, 'wild', '*.wild.test', ['*.wild.test'], { keyFirst: true });
  const dualEc = f.issue(ca, 'dual-ec', 'dual.test', ['dual.test']);
  const dualRsa = f.issue(ca, 'dual-rsa', 'dual.test', ['dual.test'], { kind: 'rsa' });
  const [app] = await echoServers(t, ['app']);
  const port = await freePort();
  await startHawser(t, `${HTTP_DEFAULTS}frontend www
    bind 127.0.0.1:${port} ssl crt ${site.combined} crt ${wild.combined} crt ${dualRsa.combined} crt ${dualEc.combined}
    default_backend app
backend app
    server s1 127.0.0.1:${app.port}
`);
  const cn = async (servername?: string, sigalgs?: string): Promise<string> => (await tlsClient({ port, servername, sigalgs })).cn;
  t.is(await cn(), 'site.test', 'no SNI: the first certificate');
  t.is(await cn('www.site.test'), 'site.test');
  t.is(await cn('API.WILD.TEST'), '*.wild.test', 'wildcard, case-insensitive');
  t.is(await cn('a.b.wild.test'), 'site.test', 'a wildcard covers one label only: the default');
  t.is(await cn('unknown.test'), 'site.test');
  const ec = await tlsClient({ port, servername: 'dual.test' });
  const rsa = await tlsClient({ port, servername: 'dual.test', sigalgs: 'rsa_pss_rsae_sha256:rsa_pkcs1_sha256' });
  t.is(ec.cn, 'dual.test');
  t.is(rsa.cn, 'dual.test');
  t.not(ec.serial, rsa.serial, 'an RSA-only client gets the RSA certificate of the same name');
  // The request goes through to the real backend over the terminated connection.
  const r = await tlsClient({ port, servername: 'site.test', get: '/hello' });
  t.is(JSON.parse(bodyOf(r.response)).server, 'app');
});

test('ALPN, versions, ciphers: what the client negotiates and what is refused', async (t) => {
  const f = new CertFactory(t);
  const ca = f.ca('ca');
  const site = f.issue(ca, 'site', 'site.test', ['site.test']);
  const [port, port13] = await freePorts(2);
  await startHawser(t, `${HTTP_DEFAULTS}frontend www
    bind 127.0.0.1:${port} ssl crt ${site.combined} alpn h2,http/1.1 ciphers ECDHE-ECDSA-AES128-GCM-SHA256
    bind 127.0.0.1:${port13} ssl crt ${site.combined} ssl-min-ver TLSv1.3
    http-request return status 200
`);
  t.is((await tlsClient({ port, alpn: ['http/1.1'] })).alpn, 'http/1.1');
  t.is((await tlsClient({ port, alpn: ['h2', 'http/1.1'] })).alpn, 'h2', "the server's order");
  t.is((await tlsClient({ port })).alpn, false, 'no ALPN offered, none chosen');
  const tls12 = await tlsClient({ port, maxVersion: 'TLSv1.2' });
  t.is(tls12.protocol, 'TLSv1.2');
  t.is(tls12.cipher, 'ECDHE-ECDSA-AES128-GCM-SHA256', '`ciphers` rules TLS 1.2');
  await t.throwsAsync(tlsClient({ port, minVersion: 'TLSv1', maxVersion: 'TLSv1.1' }), undefined, 'TLS 1.1 is refused by default');
  await t.throwsAsync(tlsClient({ port: port13, maxVersion: 'TLSv1.2' }), undefined, 'ssl-min-ver TLSv1.3 refuses 1.2');
  t.is((await tlsClient({ port: port13 })).protocol, 'TLSv1.3');
  // openssl s_client agrees. It prints an `SSL-Session` block with the
  // protocol it asked for even when no handshake completed, so the proof is
  // the cipher: none for TLS 1.1, one for TLS 1.2 on the same port.
  // SECLEVEL=0 lets the client itself offer TLS 1.1: the refusal is ours.
  const sClient = (version: string): SpawnSyncReturns<string> =>
    spawnSync('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, version, '-cipher', 'DEFAULT@SECLEVEL=0'], { input: '', encoding: 'latin1', timeout: 5000 });
  const old = sClient('-tls1_1');
  t.regex(old.stdout, /New, \(NONE\), Cipher is \(NONE\)/, 'no TLSv1.1 session with s_client');
  t.regex(old.stderr, /alert protocol version/, 'refused by a protocol_version alert from hawser');
  const ok = sClient('-tls1_2');
  t.regex(ok.stdout, /New, TLSv1\.2, Cipher is ECDHE-ECDSA-AES128-GCM-SHA256/, 'TLS 1.2 is accepted with s_client');
});

test('redirect scheme https unless { ssl_fc }, and the ssl_fc_* fetches in rules and logs', async (t) => {
  const f = new CertFactory(t);
  const ca = f.ca('ca');
  const site = f.issue(ca, 'site', 'site.test', ['site.test']);
  const [http, https] = await freePorts(2);
  const h = await startHawser(t, `global
    log stdout format raw local0
${HTTP_DEFAULTS}    log global
frontend www
    bind 127.0.0.1:${http}
    bind 127.0.0.1:${https} ssl crt ${site.combined} alpn http/1.1
    log-format "%ft %sslv %sslc %[ssl_fc_sni] %ST"
    http-request redirect scheme https unless { ssl_fc }
    http-request return status 200 content-type text/plain lf-string "fc=%[ssl_fc] sni=%[ssl_fc_sni] proto=%[ssl_fc_protocol] alpn=%[ssl_fc_alpn] bits=%[ssl_fc_use_keysize] crt=%[ssl_f_s_dn(CN)] resumed=%[ssl_fc_is_resumed]"
`);
  const plain = curl(['-i', `http://127.0.0.1:${http}/path?q=1`]);
  t.regex(plain, /^HTTP\/1\.1 302/);
  t.regex(plain, new RegExp(`location: https://127\\.0\\.0\\.1:${http}/path\\?q=1`, 'i'));
  const body = curl(['--cacert', ca.cert, '--resolve', `site.test:${https}:127.0.0.1`, '--tlsv1.3', `https://site.test:${https}/`]);
  t.regex(body, /^fc=1 sni=site\.test proto=TLSv1\.3 alpn=http\/1\.1 bits=(128|256) crt=site\.test resumed=0$/);
  const line = await h.waitFor((l) => l.startsWith('www~ '));
  t.regex(line, /^www~ TLSv1\.3 TLS_[A-Z0-9_]+ site\.test 200$/);
  await h.waitFor((l) => l.startsWith('www - - - 302'));
});

test('client certificates: verify required / optional with ca-file, ssl_c_* fetches', async (t) => {
  const f = new CertFactory(t);
  const ca = f.ca('ca');
  const other = f.ca('other');
  const site = f.issue(ca, 'site', 'site.test', ['site.test']);
  const alice = f.issue(ca, 'alice', 'alice', [], { client: true, ou: 'Ops' });
  const mallory = f.issue(other, 'mallory', 'mallory', [], { client: true });
  const [req, opt] = await freePorts(2);
  const h = await startHawser(t, `global
    log stdout format raw local0
${HTTP_DEFAULTS}    log global
frontend www
    bind 127.0.0.1:${req} ssl crt ${site.combined} ca-file ${ca.cert} verify required
    bind 127.0.0.1:${opt} ssl crt ${site.combined} ca-file ${ca.cert} verify optional
    http-request return status 200 content-type text/plain lf-string "used=%[ssl_c_used] verify=%[ssl_c_verify] cn=%[ssl_c_s_dn(CN)] ou=%[ssl_c_s_dn(OU)] dn=%[ssl_c_s_dn] issuer=%[ssl_c_i_dn(CN)] serial=%[ssl_c_serial,hex] after=%[ssl_c_notafter]"
`);
  const ok = await tlsClient({ port: req, clientPem: alice.combined, get: '/' });
  const serial = execFileSync('openssl', ['x509', '-in', alice.cert, '-noout', '-serial'], { encoding: 'latin1' }).trim().replace('serial=', '');
  const enddate = execFileSync('openssl', ['x509', '-in', alice.cert, '-noout', '-enddate'], { encoding: 'latin1' }).trim();
  const b = bodyOf(ok.response);
  t.regex(b, /^used=1 verify=0 cn=alice ou=Ops dn=\/C=FR\/O=Hawser Test\/OU=Ops\/CN=alice issuer=ca /);
  t.true(b.includes(`serial=${serial.padStart(serial.length + (serial.length % 2), '0')}`), b);
  const m = /after=(\d{12})Z/.exec(b);
  t.truthy(m);
  const d = new Date(enddate.replace('notAfter=', ''));
  t.is(m![1], `${String(d.getUTCFullYear() % 100).padStart(2, '0')}${String(d.getUTCMonth() + 1).padStart(2, '0')}${String(d.getUTCDate()).padStart(2, '0')}${String(d.getUTCHours()).padStart(2, '0')}${String(d.getUTCMinutes()).padStart(2, '0')}${String(d.getUTCSeconds()).padStart(2, '0')}`);
  // No certificate, or one from another CA: refused.
  await t.throwsAsync(tlsClient({ port: req, get: '/' }).then((r) => (r.response === '' ? Promise.reject(new Error('closed')) : r)));
  await t.throwsAsync(tlsClient({ port: req, clientPem: mallory.combined, get: '/' }).then((r) => (r.response === '' ? Promise.reject(new Error('closed')) : r)));
  // verify optional: no certificate is fine, a bad one still is not (HAProxy's rule).
  t.regex(bodyOf((await tlsClient({ port: opt, get: '/' })).response), /^used=0 verify=0 cn= /);
  await t.throwsAsync(tlsClient({ port: opt, clientPem: mallory.combined, get: '/' }).then((r) => (r.response === '' ? Promise.reject(new Error('closed')) : r)));
  const failure = await h.waitFor((l) => l.includes('SSL client certificate not trusted'));
  t.regex(failure, /^127\.0\.0\.1:\d+ \[[^\]]+\] www\/127\.0\.0\.1:\d+: SSL client certificate not trusted/);
});

test('crt-list: SNI filters, negative filters and per-certificate settings', async (t) => {
  const f = new CertFactory(t);
  const ca = f.ca('ca');
  const def = f.issue(ca, 'default', 'default.test', ['default.test']);
  const wild = f.issue(ca, 'wild', '*.corp.test', ['*.corp.test']);
  const secure = f.issue(ca, 'secure', 'secure.corp.test', ['secure.corp.test']);
  const list = f.write('certs.list', [
    `# comment`,
    `${def.combined} !*`,
    ``,
    `${wild.combined} [alpn http/1.1] *.corp.test !secure.corp.test`,
    `${secure.combined} [alpn h2 ssl-min-ver TLSv1.3] secure.corp.test`,
  ].join('\n') + '\n');
  const port = await freePort();
  await startHawser(t, `${HTTP_DEFAULTS}frontend www
    bind 127.0.0.1:${port} ssl crt-list ${list}
    http-request return status 200
`);
  t.is((await tlsClient({ port, servername: 'default.test' })).cn, 'default.test', '!*: only as the default');
  t.is((await tlsClient({ port, servername: 'www.corp.test' })).cn, '*.corp.test');
  const s = await tlsClient({ port, servername: 'secure.corp.test', alpn: ['h2', 'http/1.1'] });
  t.is(s.cn, 'secure.corp.test', 'the negative filter sends it to its own certificate');
  t.is(s.alpn, 'h2', "the line's own alpn");
  t.is((await tlsClient({ port, servername: 'www.corp.test', alpn: ['h2', 'http/1.1'] })).alpn, 'http/1.1');
  await t.throwsAsync(tlsClient({ port, servername: 'secure.corp.test', maxVersion: 'TLSv1.2' }));
});

test('session resumption: tickets, and the session cache when tickets are off', async (t) => {
  const f = new CertFactory(t);
  const ca = f.ca('ca');
  const site = f.issue(ca, 'site', 'site.test', ['site.test']);
  const [tickets, cache] = await freePorts(2);
  await startHawser(t, `${HTTP_DEFAULTS}frontend www
    bind 127.0.0.1:${tickets} ssl crt ${site.combined}
    bind 127.0.0.1:${cache} ssl crt ${site.combined} no-tls-tickets ssl-max-ver TLSv1.2
    http-request return status 200 content-type text/plain lf-string "resumed=%[ssl_fc_is_resumed]"
`);
  for (const [port, what] of [[tickets, 'ticket'], [cache, 'session cache']] as const) {
    const first = await tlsClient({ port, servername: 'site.test' });
    t.false(first.resumed);
    t.truthy(first.session, `a session to resume (${what})`);
    const again = await tlsClient({ port, servername: 'site.test', session: first.session, get: '/' });
    t.true(again.resumed, `resumed by ${what}`);
    t.is(bodyOf(again.response), 'resumed=1');
  }
});

test('a bad or missing certificate is a configuration error with file:line and the path', async (t) => {
  const f = new CertFactory(t);
  const ca = f.ca('ca');
  const a = f.issue(ca, 'a', 'a.test', ['a.test']);
  const b = f.issue(ca, 'b', 'b.test', ['b.test']);
  const mismatch = f.write('mismatch.pem', execFileSync('cat', [a.cert, b.key], { encoding: 'latin1' }));
  const certOnly = f.write('cert-only.pem', execFileSync('cat', [a.cert], { encoding: 'latin1' }));
  const garbage = f.write('garbage.pem', 'not a certificate\n');
  const text = `${HTTP_DEFAULTS}frontend www
    bind 127.0.0.1:1 ssl crt /nonexistent/site.pem
    bind 127.0.0.1:2 ssl crt ${mismatch}
    bind 127.0.0.1:3 ssl crt ${certOnly}
    bind 127.0.0.1:4 ssl crt ${garbage}
    bind 127.0.0.1:5 ssl crt ${a.combined} verify required
    bind 127.0.0.1:6 ssl crt ${a.combined} ciphers NOT-A-CIPHER
    bind 127.0.0.1:7 ssl
    http-request return status 200
backend b
    server s1 127.0.0.1:9 ssl
`;
  const cfg = writeConfig(t, text);
  // The 1-based line of the first line containing `needle`.
  const at = (needle: string): string => `${cfg}:${text.split('\n').findIndex((l) => l.includes(needle)) + 1}`;
  const expected = [
    `HAWSER_TLS_CERT ${at(':1 ')}: bind 127\\.0\\.0\\.1:1: unable to stat SSL certificate from file '/nonexistent/site\\.pem': No such file or directory`,
    `HAWSER_TLS_CERT ${at(':2 ')}: .*inconsistencies between private key and certificate loaded from PEM file '${mismatch}'`,
    `HAWSER_TLS_CERT ${at(':3 ')}: .*No Private Key found in '${certOnly}\\.key'`,
    `HAWSER_TLS_CERT ${at(':4 ')}: .*unable to load certificate from file '${garbage}'`,
    `HAWSER_TLS_SETTINGS ${at(':5 ')}: .*verify is enabled but no CA file specified`,
    `HAWSER_TLS_SETTINGS ${at(':6 ')}: .*unable to set SSL cipher list to '[^']*NOT-A-CIPHER'`,
    `HAWSER_TLS_SETTINGS ${at(':7 ')}: .*no SSL certificate specified for bind 127\\.0\\.0\\.1:7`,
    `HAWSER_TLS_SETTINGS ${at('server s1')}: 'server b/s1' : verify is enabled by default but no CA file specified`,
  ];
  // `hawser -c` and a plain start say the same, and a start binds nothing.
  for (const args of [['-c', '-f', cfg], ['-f', cfg]]) {
    const p = runHawser(t, args);
    t.is(await p.exited, 1, args.join(' '));
    const err = p.stderr.join('\n');
    for (const e of expected) t.regex(err, new RegExp(e), args.join(' '));
    t.notRegex(err, /TypeError|at .*\.ts:\d+/, 'no stack trace');
  }
});

test('a reload with a broken certificate is refused with file:line and the path; the old one keeps serving', async (t) => {
  const f = new CertFactory(t);
  const ca = f.ca('ca');
  const v1 = f.issue(ca, 'v1', 'site.test', ['site.test']);
  const live = f.write('live.pem', '');
  copyFileSync(v1.combined, live);
  const port = await freePort();
  const text = `${HTTP_DEFAULTS}frontend www
    bind 127.0.0.1:${port} ssl crt ${live}
    http-request return status 200
`;
  const h = await startHawser(t, text);
  const before = await tlsClient({ port });
  f.write('live.pem', 'renewal went wrong\n');
  h.child.kill('SIGHUP');
  const failed = await h.waitFor((_l, e) => e?.event === 'reload' && e.result === 'failed');
  const line = text.split('\n').findIndex((l) => l.includes('ssl crt')) + 1;
  t.regex(failed, new RegExp(`HAWSER_TLS_CERT [^ ]*:${line}: bind 127\\.0\\.0\\.1:${port}: unable to load certificate from file '${live}'`));
  const after = await tlsClient({ port });
  t.is(after.serial, before.serial, 'the previous certificate still answers');
  t.is(h.child.exitCode, null, 'still running');
});

test('reload picks up a renewed certificate; show ssl cert lists and details it as HAProxy 2.6 does', async (t) => {
  const f = new CertFactory(t);
  const ca = f.ca('ca');
  const v1 = f.issue(ca, 'v1', 'site.test', ['site.test', 'www.site.test']);
  const v2 = f.issue(ca, 'v2', 'site.test', ['site.test', 'www.site.test']);
  const live = f.write('live.pem', '');
  copyFileSync(v1.combined, live);
  const [port, hport] = await freePorts(2);
  const sock = `${f.dir}/admin.sock`;
  const h = await startHawser(t, `global
    stats socket ${sock} mode 600 level admin
${HTTP_DEFAULTS}frontend www
    bind 127.0.0.1:${port} ssl crt ${live}
    http-request return status 200
`);
  const before = await tlsClient({ port });
  copyFileSync(v2.combined, live);
  h.child.kill('SIGHUP');
  await h.waitFor((_l, e) => e?.event === 'reload' && e.result === 'ok');
  const after = await tlsClient({ port });
  t.not(before.serial, after.serial, 'new connections get the renewed certificate');
  const ask = (cmd: string): Promise<string> =>
    new Promise((resolve, reject) => {
      const c = connect(sock);
      let out = '';
      c.setEncoding('latin1');
      c.on('data', (d: string) => (out += d));
      c.on('end', () => resolve(out));
      c.on('error', reject);
      c.end(cmd + '\n');
    });
  t.is(await ask('show ssl cert'), `# filename\n${live}\n\n`);
  const ours = await ask(`show ssl cert ${live}`);
  t.regex(ours, /^Filename: .*\nStatus: Used\nSerial: [0-9A-F]+\nnotBefore: .* GMT\nnotAfter: .* GMT\nSubject Alternative Name: DNS:site\.test, DNS:www\.site\.test\nAlgorithm: EC256\nSHA1 FingerPrint: [0-9A-F]{40}\nSubject: \/C=FR\/O=Hawser Test\/CN=site\.test\nIssuer: \/O=Hawser Test\/CN=ca\nOCSP Response Key: \n\n$/);
  t.is(await ask('show ssl cert /nope.pem'), "Can't display the certificate: Not found or the certificate is a bundle!\n\n");
  // HAProxy 2.6 on the same file answers the same.
  const hsock = `${f.dir}/haproxy.sock`;
  const hcfg = writeConfig(t, `global
    stats socket ${hsock} mode 600 level admin
${HTTP_DEFAULTS}frontend www
    bind 127.0.0.1:${hport} ssl crt ${live}
    http-request return status 200
`);
  const hap = spawnSync('haproxy', ['-c', '-q', '-f', hcfg]);
  if (hap.error !== undefined) return t.log('haproxy not installed: cross-check skipped');
  const child = (await import('node:child_process')).spawn('haproxy', ['-f', hcfg], { stdio: 'ignore' });
  t.teardown(() => child.kill('SIGKILL'));
  const { waitListening } = await import('../support/ports.ts');
  await waitListening(hport, child);
  const theirs = await new Promise<string>((resolve, reject) => {
    const c = connect(hsock);
    let out = '';
    c.setEncoding('latin1');
    c.on('data', (d: string) => (out += d));
    c.on('end', () => resolve(out));
    c.on('error', reject);
    c.end(`show ssl cert ${live}\n`);
  });
  t.is(ours, theirs);
});
