// Every sample fetch, on requests and responses described as SampleContexts:
// what it returns alone (the last occurrence for repeated fields), what it
// returns in an ACL (every occurrence), and that it is absent where HAProxy's
// would be (no HTTP message, missing field).

import test from 'ava';
import { type AclCompileOptions, AclError, compileAclDeclaration, compileSampleExpression, FETCHES } from '../../../src/acl/index.ts';
import { UserlistAuth } from '../../../src/auth/index.ts';
import { type FakeExchange, fakeContext, show } from './context.ts';
import { cluster, ENTRIES, expectedRead, local, OTHER_HTTP_REQ_CNT, type Slot, SRC, STICK_READS, stickWorld, TABLE_SIZE } from './stick-world.ts';
import { CLIENT_HELLO, derOf, tlsSession } from './tls-session.ts';

const REQ: FakeExchange = {
  src: '192.0.2.10',
  srcPort: 51234,
  dst: '2001:db8::80',
  dstPort: 8443,
  ssl: true,
  sni: 'www.example.com',
  method: 'POST',
  url: '/shop/cart.php?id=12&lang=fr;sort=asc&id=13',
  version: '1.1',
  headers: [
    'Host', 'WWW.Example.com',
    'User-Agent', 'Mozilla/5.0 (X11, Linux)',
    'Accept', 'text/html, application/json;q=0.9',
    'accept', '*/*',
    'Cookie', 'SID=abc; lang=fr; $Path=/',
    'Cookie', 'SID=def, theme="dark,blue"',
    'X-Forwarded-For', '198.51.100.4, 10.1.1.1:8080',
    'X-Count', '42abc',
    'Content-Length', '5',
  ],
  body: Buffer.from('a=1&b'),
  requestLength: 312,
  firstRequest: false,
  frontend: 'www',
  backend: 'app',
  env: { STAGE: 'prod' },
  vars: { 'txn.user': 'alice', 'txn.n': 7 },
  servers: { app: { a1: true, a2: false, a3: true }, '': { self: true } },
  beConn: { app: 17, '': 3 },
};

const RES: FakeExchange = {
  ...REQ,
  response: true,
  status: 302,
  responseVersion: '1.0',
  responseHeaders: [
    'Location', '/login',
    'Set-Cookie', 'SID=new; Path=/; Expires=Wed, 21 Oct 2026 07:28:00 GMT',
    'Set-Cookie', 'theme=light',
    'Cache-Control', 'no-cache, private',
    'X-Backend-IP', '10.0.0.7',
    'X-Len', '1024',
  ],
};

const TCP: FakeExchange = { tcp: true, src: '::ffff:203.0.113.9', srcPort: 1, dst: '203.0.113.1', dstPort: 25 };

/** A terminated TLS 1.3 session with SNI, ALPN h2 and a client certificate (tls-session.ts). */
const TLS: FakeExchange = { ssl: true, sni: 'www.example.com', tls: tlsSession() };
/** A resumed TLS 1.2 session without SNI, ALPN or client certificate. */
const TLS12: FakeExchange = { ssl: true, tls: tlsSession({ protocol: 'TLSv1.2', cipher: 'ECDHE-RSA-AES128-GCM-SHA256', alpn: undefined, resumed: true, peer: null }) };
/** A client certificate that did not verify (X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY), kept by `verify none`. */
const UNTRUSTED: FakeExchange = { ssl: true, tls: tlsSession({ verify: 20 }) };
/** openssl s_client's ClientHello waiting in a TCP session's buffer. */
const HELLO: FakeExchange = { tcp: true, payload: CLIENT_HELLO };

/** A session of the stick world (stick-world.ts): sc0..sc2 tracked, the client SRC in table fe. */
const STICK: FakeExchange = { src: SRC, stick: true };
/** The same world, a client the table does not know. */
const STRANGER: FakeExchange = { src: '203.0.113.99', stick: true };

/** userlist admins: alice's clear password, bob's SHA-crypt hash of hunter2 (`openssl passwd -5 -salt hawsersalt hunter2`). */
const OPTS: AclCompileOptions = {
  userlist: (n) =>
    n === 'admins'
      ? new UserlistAuth('admins', [
          { name: 'alice', password: 's3cret', insecure: true, groups: ['ops', 'dev'] },
          { name: 'bob', password: '$5$hawsersalt$MCLnL0e7IqFFMLMDVwA/73vQOJR9pjBWXcYuBrlz6RD', insecure: false, groups: ['dev'] },
        ])
      : undefined,
};
const basic = (userPass: string): FakeExchange => ({ headers: ['Authorization', `Basic ${Buffer.from(userPass).toString('base64')}`] });
const ALICE = basic('alice:s3cret');

type Case = [expr: string, ex: FakeExchange, expected: string];

const int = (n: number): string => `int:${n}`;

/**
 * sc_X(n), sc0_X..sc2_X and src_X for every read (indexed ones: sc_X(idx,n)
 * and src_X(idx)), the cluster_ forms with the other node's share added.
 */
function stickReadCases(): Case[] {
  const out: Case[] = [];
  STICK_READS.forEach((r, i) => {
    for (const sum of r.cluster ? [false, true] : [false]) {
      const n = sum ? `cluster_${r.fetch}` : r.fetch;
      const sc = (i % 3) as Slot;
      if (r.indexed) {
        out.push([`sc_${n}(1,${sc})`, STICK, expectedRead(r, sum, sc, 1)]);
        out.push([`src_${n}(0)`, STICK, expectedRead(r, sum, 'src', 0)]);
        out.push([`src_${n}(1,fe)`, STICK, expectedRead(r, sum, 'src', 1)]);
        continue;
      }
      out.push([`sc_${n}(${sc})`, STICK, expectedRead(r, sum, sc)]);
      for (const s of [0, 1, 2] as const) out.push([`sc${s}_${n}`, STICK, expectedRead(r, sum, s)]);
      out.push([`src_${n}`, STICK, expectedRead(r, sum, 'src')]);
    }
  });
  return out;
}

/** The fetches that write: sc_inc_* answer the new value, sc_clr_* the value before. */
function stickWriteCases(): Case[] {
  const out: Case[] = [];
  for (const c of ['gpc0', 'gpc1']) {
    out.push([`sc_inc_${c}(2)`, STICK, int(local(c, 2) + 1)]);
    out.push([`sc_clr_${c}(1)`, STICK, int(local(c, 1))]);
    for (const s of [0, 1, 2] as const) {
      out.push([`sc${s}_inc_${c}`, STICK, int(local(c, s) + 1)]);
      out.push([`sc${s}_clr_${c}`, STICK, int(local(c, s))]);
    }
    out.push([`src_inc_${c}`, STICK, int(local(c, 'src') + 1)]);
    out.push([`src_clr_${c}`, STICK, int(local(c, 'src'))]);
  }
  out.push(['sc_inc_gpc(1,0)', STICK, int(local('gpc', 0, 1) + 1)]);
  out.push(['sc_clr_gpc(0,2)', STICK, int(local('gpc', 2, 0))]);
  out.push(['src_inc_gpc(0)', STICK, int(local('gpc', 'src', 0) + 1)]);
  out.push(['src_clr_gpc(1,fe)', STICK, int(local('gpc', 'src', 1))]);
  return out;
}

const CASES: Case[] = [
  // layer 4 / tls
  ['src', REQ, 'ipv4:192.0.2.10'],
  ['src', TCP, 'ipv6:::ffff:203.0.113.9'],
  ['src_port', REQ, 'int:51234'],
  ['dst', REQ, 'ipv6:2001:db8::80'],
  ['dst_port', TCP, 'int:25'],
  ['ssl_fc', REQ, 'bool:1'],
  ['ssl_fc', TCP, 'bool:0'],
  ['ssl_fc_sni', REQ, 'str:www.example.com'],
  ['ssl_fc_sni', TCP, 'absent'],
  // internal
  ['always_true', TCP, 'bool:1'],
  ['always_false', TCP, 'bool:0'],
  ['env(STAGE)', REQ, 'str:prod'],
  ['env(NOPE)', REQ, 'absent'],
  ['str(hello)', TCP, 'str:hello'],
  ['int(-12)', TCP, 'int:-12'],
  ['bool(true)', TCP, 'bool:1'],
  ['bool(0)', TCP, 'bool:0'],
  ['ipv4(10.1.2.3)', TCP, 'ipv4:10.1.2.3'],
  ['ipv6(2001:db8::1)', TCP, 'ipv6:2001:db8::1'],
  ['bin(48656c6c6f)', TCP, 'bin:48656c6c6f'],
  ['meth(PURGE)', TCP, 'meth:PURGE'],
  ['var(txn.user)', REQ, 'str:alice'],
  ['var(txn.n)', REQ, 'int:7'],
  ['var(txn.none)', REQ, 'absent'],
  ['var(txn.none,fallback)', REQ, 'str:fallback'],
  ['nbsrv(app)', REQ, 'int:2'],
  ['nbsrv', REQ, 'int:1'],
  ['be_conn(app)', REQ, 'int:17'],
  ['be_conn', REQ, 'int:3'],
  ['srv_is_up(app/a1)', REQ, 'bool:1'],
  ['srv_is_up(app/a2)', REQ, 'bool:0'],
  ['srv_is_up(self)', REQ, 'bool:1'],
  ['fe_name', REQ, 'str:www'],
  ['be_name', REQ, 'str:app'],
  ['be_name', TCP, 'absent'],
  ['wait_end', TCP, 'bool:1'],
  // request line
  ['method', REQ, 'meth:POST'],
  ['method', TCP, 'absent'],
  ['url', REQ, 'str:/shop/cart.php?id=12&lang=fr;sort=asc&id=13'],
  ['url', TCP, 'absent'],
  ['path', REQ, 'str:/shop/cart.php'],
  ['path', { url: 'https://example.com:8443/x/y?z' }, 'str:/x/y'],
  ['path', { url: 'https://example.com' }, 'absent'],
  ['path', { url: '*' }, 'absent'],
  ['pathq', REQ, 'str:/shop/cart.php?id=12&lang=fr;sort=asc&id=13'],
  ['pathq', { url: 'http://h/p?q' }, 'str:/p?q'],
  ['query', REQ, 'str:id=12&lang=fr;sort=asc&id=13'],
  ['query', { url: '/a?' }, 'str:'],
  ['query', { url: '/a' }, 'absent'],
  ['base', REQ, 'str:WWW.Example.com/shop/cart.php'],
  ['base', { url: '/p?x', headers: [] }, 'str:/p'],
  ['base', { url: '*', headers: ['Host', 'h'] }, 'str:h'],
  ['url_param(id)', REQ, 'str:12'],
  ['url_param(sort)', REQ, 'str:asc'],
  ['url_param(nope)', REQ, 'absent'],
  ['url_param', REQ, 'str:12'],
  ['url_param(b,;)', { url: '/x;a=1;b=2' }, 'str:2'],
  ['urlp(lang)', REQ, 'str:fr'],
  ['urlp_val(id)', REQ, 'int:12'],
  ['req.ver', REQ, 'str:1.1'],
  ['req_ver', { version: '1.0' }, 'str:1.0'],
  ['req.proto_http', REQ, 'bool:1'],
  ['req.proto_http', TCP, 'bool:0'],
  ['http_first_req', REQ, 'bool:0'],
  ['http_first_req', TCP, 'absent'],
  // request headers
  ['req.hdr(host)', REQ, 'str:WWW.Example.com'],
  ['req.hdr(ACCEPT)', REQ, 'str:*/*'],
  ['req.hdr(accept,1)', REQ, 'str:text/html'],
  ['req.hdr(accept,2)', REQ, 'str:application/json;q=0.9'],
  ['req.hdr(accept,-2)', REQ, 'str:application/json;q=0.9'],
  ['req.hdr(accept,4)', REQ, 'absent'],
  ['req.hdr(accept,-11)', REQ, 'absent'],
  ['req.hdr(x-none)', REQ, 'absent'],
  ['req.hdr', REQ, 'absent'],
  ['hdr(host)', REQ, 'str:WWW.Example.com'],
  ['hdr(location)', RES, 'str:/login'],
  ['req.fhdr(user-agent)', REQ, 'str:Mozilla/5.0 (X11, Linux)'],
  ['req.fhdr(accept,1)', REQ, 'str:text/html, application/json;q=0.9'],
  ['req.hdr(user-agent)', REQ, 'str:Linux)'],
  ['req.hdr_cnt(accept)', REQ, 'int:3'],
  ['req.hdr_cnt', REQ, 'int:13'],
  ['hdr_cnt(cookie)', REQ, 'int:3'],
  ['req.fhdr_cnt(accept)', REQ, 'int:2'],
  ['req.fhdr_cnt', REQ, 'int:9'],
  ['req.hdr_val(x-count)', REQ, 'int:42'],
  ['hdr_val(content-length)', REQ, 'int:5'],
  ['req.hdr_ip(x-forwarded-for)', REQ, 'ipv4:10.1.1.1'],
  ['req.hdr_ip(x-forwarded-for,1)', REQ, 'ipv4:198.51.100.4'],
  ['hdr_ip(host)', REQ, 'absent'],
  ['req.hdr_names', REQ, 'str:host,user-agent,accept,accept,cookie,cookie,x-forwarded-for,x-count,content-length'],
  ['req.hdr_names(|)', { headers: ['A', '1', 'B', '2'] }, 'str:a|b'],
  // request cookies
  ['req.cook(SID)', REQ, 'str:def'],
  ['req.cook(lang)', REQ, 'str:fr'],
  ['req.cook(theme)', REQ, 'str:"dark,blue"'],
  ['req.cook', REQ, 'str:abc'],
  ['req.cook(Path)', REQ, 'absent'],
  ['req.cook(sid)', REQ, 'absent'],
  ['cook(SID)', REQ, 'str:def'],
  ['cookie(SID)', REQ, 'str:def'],
  ['cookie(theme)', RES, 'str:light'],
  ['req.cook_cnt(SID)', REQ, 'int:2'],
  ['req.cook_cnt', REQ, 'int:4'],
  ['cook_cnt(lang)', REQ, 'int:1'],
  ['req.cook_val(n)', { headers: ['Cookie', 'n=12x'] }, 'int:12'],
  ['cook_val(n)', { headers: ['Cookie', 'n=-3'] }, 'int:-3'],
  // body and buffer
  ['req.len', REQ, 'int:312'],
  ['req_len', TCP, 'int:0'],
  ['req.body', REQ, 'bin:613d312662'],
  ['req.body', { headers: [] }, 'bin:'],
  ['req.body', TCP, 'absent'],
  ['req.body_len', REQ, 'int:5'],
  // raw bytes held by a TCP session's content inspection
  ['req.payload(0,3)', { tcp: true, payload: Buffer.from('GET /x') }, 'bin:474554'],
  ['payload(4,0)', { tcp: true, payload: Buffer.from('GET /x') }, 'bin:2f78'],
  ['req.payload(0,9)', { tcp: true, payload: Buffer.from('GET /x') }, 'absent'],
  ['req.payload(0,3)', REQ, 'absent'],
  ['req.payload_lv(0,1)', { tcp: true, payload: Buffer.from([3, 0x61, 0x62, 0x63, 0x64]) }, 'bin:616263'],
  ['payload_lv(0,1,+1)', { tcp: true, payload: Buffer.from([3, 0x61, 0x62, 0x63, 0x64]) }, 'bin:626364'],
  ['req.payload_lv(0,1)', { tcp: true, payload: Buffer.from([9, 0x61]) }, 'absent'],
  // response
  ['status', RES, 'int:302'],
  ['status', REQ, 'absent'],
  ['res.ver', RES, 'str:1.0'],
  ['resp_ver', RES, 'str:1.0'],
  ['res.hdr(cache-control)', RES, 'str:private'],
  ['shdr(cache-control,1)', RES, 'str:no-cache'],
  ['res.fhdr(cache-control)', RES, 'str:no-cache, private'],
  ['res.hdr_cnt(set-cookie)', RES, 'int:3'],
  ['shdr_cnt', RES, 'int:8'],
  ['res.fhdr_cnt(set-cookie)', RES, 'int:2'],
  ['res.hdr_val(x-len)', RES, 'int:1024'],
  ['shdr_val(x-len)', RES, 'int:1024'],
  ['res.hdr_ip(x-backend-ip)', RES, 'ipv4:10.0.0.7'],
  ['shdr_ip(x-backend-ip)', RES, 'ipv4:10.0.0.7'],
  ['res.hdr_names', RES, 'str:location,set-cookie,set-cookie,cache-control,x-backend-ip,x-len'],
  ['res.hdr(location)', REQ, 'absent'],
  ['res.cook(SID)', RES, 'str:new'],
  ['res.cook(Path)', RES, 'absent'],
  ['scook(theme)', RES, 'str:light'],
  ['res.cook_cnt', RES, 'int:4'],
  ['scook_cnt(SID)', RES, 'int:1'],
  ['res.cook_val(theme)', RES, 'int:0'],
  ['scook_val(SID)', RES, 'int:0'],
  // ava runs a test file in a worker thread that Hawser did not start: thread 0
  ['thread', TCP, 'int:0'],
  // basic authentication against a userlist
  ['http_auth(admins)', ALICE, 'bool:1'],
  ['http_auth(admins)', basic('bob:hunter2'), 'bool:1'],
  ['http_auth(admins)', basic('bob:hunter3'), 'bool:0'],
  ['http_auth(admins)', REQ, 'bool:0'],
  ['http_auth_group(admins)', basic('bob:hunter2'), 'str:bob'],
  ['http_auth_group(admins)', basic('bob:hunter3'), 'absent'],
  ['http_auth_type', ALICE, 'str:Basic'],
  ['http_auth_user', basic('bob:hunter3'), 'str:bob'],
  ['http_auth_pass', ALICE, 'str:s3cret'],
  ['http_auth_user', TCP, 'absent'],
  // tls session (terminated here)
  ['ssl_fc_protocol', TLS, 'str:TLSv1.3'],
  ['ssl_fc_protocol', TLS12, 'str:TLSv1.2'],
  ['ssl_fc_protocol', TCP, 'absent'],
  ['ssl_fc_cipher', TLS, 'str:TLS_AES_256_GCM_SHA384'],
  ['ssl_fc_alpn', TLS, 'str:h2'],
  ['ssl_fc_alpn', TLS12, 'absent'],
  ['ssl_fc_use_keysize', TLS, 'int:256'],
  ['ssl_fc_alg_keysize', TLS12, 'int:128'],
  ['ssl_fc_err', TLS, 'int:0'],
  ['ssl_fc_err', TCP, 'absent'],
  ['ssl_fc_is_resumed', TLS, 'bool:0'],
  ['ssl_fc_is_resumed', TLS12, 'bool:1'],
  ['ssl_fc_has_sni', TLS, 'bool:1'],
  ['ssl_fc_has_sni', TLS12, 'bool:0'],
  ['ssl_fc_has_crt', TLS, 'bool:1'],
  ['ssl_fc_has_crt', TLS12, 'bool:0'],
  ['ssl_c_used', TLS, 'bool:1'],
  ['ssl_c_used', TCP, 'bool:0'],
  ['ssl_c_verify', UNTRUSTED, 'int:20'],
  ['ssl_c_verify', TLS, 'int:0'],
  ['ssl_c_err', TLS, 'int:0'],
  ['ssl_c_ca_err', TLS, 'int:0'],
  ['ssl_c_ca_err_depth', TLS, 'int:0'],
  ['ssl_c_ca_err_depth', TCP, 'absent'],
  // the client's certificate (test/fixtures/acl/client.crt; openssl x509 -noout ... prints these values)
  ['ssl_c_s_dn', TLS, 'str:/C=FR/O=Hawser Test, Inc./OU=Ops/OU=Night Shift/CN=alice'],
  ['ssl_c_s_dn(OU)', TLS, 'str:Ops'],
  ['ssl_c_s_dn(OU,2)', TLS, 'str:Night Shift'],
  ['ssl_c_s_dn(OU,-1)', TLS, 'str:Night Shift'],
  ['ssl_c_s_dn(OU,3)', TLS, 'absent'],
  ['ssl_c_s_dn(CN)', TLS, 'str:alice'],
  ['ssl_c_s_dn(,0,rfc2253)', TLS, 'str:CN=alice,OU=Night Shift,OU=Ops,O=Hawser Test\\, Inc.,C=FR'],
  ['ssl_c_s_dn', TLS12, 'absent'],
  ['ssl_c_i_dn', TLS, 'str:/C=FR/O=Hawser Test, Inc./CN=Hawser Test CA'],
  ['ssl_c_i_dn(CN)', TLS, 'str:Hawser Test CA'],
  ['ssl_c_serial', TLS, 'bin:1234abcd'],
  ['ssl_c_sha1', TLS, 'bin:52b782d63bad5d8036383452396d7d48b3569676'],
  ['ssl_c_der', TLS, `bin:${derOf('client.crt').toString('hex')}`],
  ['ssl_c_der', TLS12, 'absent'],
  ['ssl_c_notbefore', TLS, 'str:260101000000Z'],
  ['ssl_c_notafter', TLS, 'str:20500101000000Z'],
  ['ssl_c_key_alg', TLS, 'str:id-ecPublicKey'],
  ['ssl_c_version', TLS, 'int:3'],
  ['ssl_c_version', TLS12, 'absent'],
  // ours (test/fixtures/acl/server.crt)
  ['ssl_f_s_dn', TLS12, 'str:/C=FR/O=Hawser Test, Inc./CN=www.example.com'],
  ['ssl_f_s_dn(O)', TLS, 'str:Hawser Test, Inc.'],
  ['ssl_f_i_dn(,0,rfc2253)', TLS, 'str:CN=Hawser Test CA,O=Hawser Test\\, Inc.,C=FR'],
  ['ssl_f_serial', TLS, 'bin:c0ffee01'],
  ['ssl_f_sha1', TLS, 'bin:ba78ee43306be9ab86d62522ad9cde0ec19011b6'],
  ['ssl_f_der', TLS, `bin:${derOf('server.crt').toString('hex')}`],
  ['ssl_f_notbefore', TLS, 'str:260301120000Z'],
  ['ssl_f_notafter', TLS, 'str:360301120000Z'],
  ['ssl_f_key_alg', TLS, 'str:rsaEncryption'],
  ['ssl_f_version', TLS, 'int:3'],
  ['ssl_f_version', TCP, 'absent'],
  // a ClientHello read where it waits (test/fixtures/acl/client-hello-openssl.hex)
  ['req.ssl_sni', HELLO, 'str:www.example.com'],
  ['req_ssl_sni', HELLO, 'str:www.example.com'],
  ['req.ssl_sni', { tcp: true, payload: CLIENT_HELLO.subarray(0, 200), mayGrow: true }, 'absent'],
  ['req.ssl_sni', REQ, 'absent'],
  ['req.ssl_alpn', HELLO, 'str:h2'],
  ['req.ssl_hello_type', HELLO, 'int:1'],
  ['req_ssl_hello_type', HELLO, 'int:1'],
  ['req.ssl_hello_type', { tcp: true, payload: Buffer.from('GET / HTTP/1.1\r\n\r\n') }, 'absent'],
  // TLS 1.2 as legacy_version (3.3): 3 * 65536 + 3
  ['req.ssl_ver', HELLO, 'int:196611'],
  ['req_ssl_ver', HELLO, 'int:196611'],
  ['req.ssl_ver', { tcp: true, payload: Buffer.from('GET / HTTP/1.1\r\n\r\n') }, 'absent'],
  // stick counters and tables (stick-world.ts)
  ...stickReadCases(),
  ...stickWriteCases(),
  ['sc_trackers(1)', STICK, 'int:1'],
  ['sc0_trackers', STICK, 'int:1'],
  ['sc1_trackers', STICK, 'int:1'],
  ['sc2_trackers', STICK, 'int:1'],
  ['sc_tracked(2)', STICK, 'bool:1'],
  ['sc_tracked(0)', REQ, 'bool:0'],
  ['sc0_tracked', STICK, 'bool:1'],
  ['sc1_tracked', STICK, 'bool:1'],
  ['sc2_tracked', STICK, 'bool:1'],
  ['sc2_tracked', REQ, 'bool:0'],
  ['sc0_conn_cnt', REQ, 'absent'],
  ['sc_http_req_cnt(1,other)', STICK, int(OTHER_HTTP_REQ_CNT)],
  ['sc1_http_req_cnt(other)', STICK, int(OTHER_HTTP_REQ_CNT)],
  ['sc0_http_req_cnt(other)', STICK, 'int:0'],
  ['sc_http_req_rate(1,other)', STICK, 'absent'],
  ['src_conn_cnt', STRANGER, 'int:0'],
  ['src_inc_gpc0', STRANGER, 'int:1'],
  ['src_updt_conn_cnt', STICK, int(local('conn_cnt', 'src') + 1)],
  ['src_updt_conn_cnt', STRANGER, 'int:1'],
  ['table_cnt', STICK, int(ENTRIES)],
  ['table_cnt(other)', STICK, 'int:1'],
  ['table_avl', STICK, int(TABLE_SIZE - ENTRIES)],
];

CASES.forEach(([expr, ex, expected], i) => {
  test(`fetch #${i} ${expr} -> ${expected}${ex === TCP ? ' (tcp)' : ex === RES ? ' (response)' : ''}`, (t) => {
    const world = ex.stick === true ? stickWorld(OPTS) : undefined;
    const x = compileSampleExpression(expr, world?.options ?? OPTS);
    if (x instanceof AclError) return t.fail(x.toString());
    t.is(show(x.eval(fakeContext(ex, world?.counters))), expected);
  });
});

test('every fetch of the table is exercised above', (t) => {
  const used = new Set(CASES.map(([e]) => e.replace(/[(,].*$/, '')));
  t.deepEqual(FETCHES.map((f) => f.name).filter((n) => !used.has(n)), []);
});

/** What an ACL sees: true when any occurrence matches. */
function aclMatches(words: string, ex: FakeExchange): boolean | string {
  const d = compileAclDeclaration(['x', ...words.split(' ')], undefined, OPTS);
  if (d instanceof AclError) return d.toString();
  return d.expression.test(fakeContext(ex));
}

test('in an ACL, header fetches look at every value, not only the last', (t) => {
  t.true(aclMatches('req.hdr(accept) text/html', REQ));
  t.true(aclMatches('hdr(accept) application/json;q=0.9', REQ));
  t.false(aclMatches('req.hdr(accept,3) text/html', REQ), 'an explicit occurrence is the only one looked at');
  t.true(aclMatches('req.fhdr(accept) */*', REQ));
  t.true(aclMatches('hdr_ip(x-forwarded-for) 198.51.100.0/24', REQ));
  t.true(aclMatches('req.hdr_val(x-count) 42', REQ));
  t.true(aclMatches('shdr(cache-control) no-cache', { ...RES }));
});

test('in an ACL, cookie and parameter fetches look at every occurrence', (t) => {
  t.true(aclMatches('req.cook(SID) abc', REQ));
  t.true(aclMatches('req.cook(SID) def', REQ));
  t.true(aclMatches('cook -m found', REQ));
  t.true(aclMatches('url_param(id) 13', REQ));
  t.true(aclMatches('url_param(id) 12', REQ));
  t.false(aclMatches('url_param(id) 14', REQ));
  t.true(aclMatches('url_param -m str asc', REQ));
  t.true(aclMatches('res.cook(theme) light', RES));
  t.true(aclMatches('req.cook_val(n) 2', { headers: ['Cookie', 'n=1; n=2'] }));
});

test('the ACL keyword hdr reads the request even in response rules; the fetch follows the direction', (t) => {
  const ex: FakeExchange = { ...RES, headers: ['X-Side', 'request'], responseHeaders: ['X-Side', 'response'] };
  t.true(aclMatches('hdr(x-side) request', ex));
  const x = compileSampleExpression('hdr(x-side)');
  if (x instanceof AclError) return t.fail(x.toString());
  t.is(x.evalString(fakeContext(ex)), 'response');
  t.is(x.evalString(fakeContext({ ...ex, response: false })), 'request');
});

test('header values are split at commas outside quotes and trimmed; an empty value is a value', (t) => {
  const ex: FakeExchange = { headers: ['X-L', ' a ,"b,c" ,, d\\,e', 'X-E', ''] };
  const values: string[] = [];
  for (let i = 1; i <= 5; i++) {
    const x = compileSampleExpression(`req.hdr(x-l,${i})`);
    if (x instanceof AclError) return t.fail(x.toString());
    values.push(x.evalString(fakeContext(ex)) ?? '<absent>');
  }
  t.deepEqual(values, ['a', '"b,c"', '', 'd\\', 'e']);
  t.true(aclMatches('req.hdr(x-e) -m len 0', ex));
  const cnt = compileSampleExpression('req.hdr_cnt(x-e)');
  if (cnt instanceof AclError) return t.fail(cnt.toString());
  t.is(show(cnt.eval(fakeContext(ex))), 'int:1');
});

/** Evaluates `exprs` one after the other in one stick world (their writes stay). */
function inWorld(exprs: string[], ex: FakeExchange = STICK, before?: (w: ReturnType<typeof stickWorld>) => void): string[] {
  const w = stickWorld();
  before?.(w);
  return exprs.map((e) => {
    const x = compileSampleExpression(e, w.options);
    return x instanceof AclError ? x.toString() : show(x.eval(fakeContext(ex, w.counters)));
  });
}

test('sc_inc_* and sc_clr_* write the entry that the reading fetches then see', (t) => {
  const gpc0 = local('gpc0', 0);
  const rate = local('gpc0_rate', 0);
  t.deepEqual(inWorld(['sc0_inc_gpc0', 'sc_inc_gpc0(0)', 'sc0_get_gpc0', 'sc0_gpc0_rate', 'sc0_clr_gpc0', 'sc0_get_gpc0', 'sc0_gpc0_rate']), [
    int(gpc0 + 1), int(gpc0 + 2), int(gpc0 + 2), int(rate + 2), int(gpc0 + 2), 'int:0', int(rate + 2),
  ]);
  // the cluster value keeps the other node's share when ours is cleared
  t.deepEqual(inWorld(['src_clr_gpc1', 'src_cluster_get_gpc1']), [int(local('gpc1', 'src')), int(cluster('gpc1', 'src') - local('gpc1', 'src'))]);
  t.deepEqual(inWorld(['src_inc_gpc0', 'src_inc_gpc0', 'src_get_gpc0', 'table_cnt'], STRANGER), ['int:1', 'int:2', 'int:2', int(ENTRIES + 1)]);
});

test('stick rates slide with the table clock, on each node share', (t) => {
  const mine = local('http_req_rate', 0);
  const theirs = cluster('http_req_rate', 0) - mine;
  // one and a half periods later, half of the previous period still counts
  const later = inWorld(['sc0_http_req_rate', 'sc0_cluster_http_req_rate', 'sc0_http_req_cnt'], STICK, (w) => (w.clock.now += 15_000));
  t.deepEqual(later, [int(Math.floor(mine / 2)), int(Math.floor(mine / 2) + Math.floor(theirs / 2)), int(local('http_req_cnt', 0))]);
  t.deepEqual(inWorld(['sc0_http_req_rate'], STICK, (w) => (w.clock.now += 20_000)), ['int:0']);
});

test('the TLS fetches: rfc2253 only, and an empty occurrence refused as HAProxy refuses it', (t) => {
  const bad = compileSampleExpression('ssl_c_s_dn(,,rfc2253)');
  t.true(bad instanceof AclError && bad.message.includes("expected ')' before ',rfc2253)'"));
  const fmt = compileSampleExpression('ssl_f_s_dn(CN,1,ldap)');
  t.true(fmt instanceof AclError && fmt.message.includes("invalid format 'ldap'"));
});

test('in an ACL, req.ssl_alpn tries every protocol the ClientHello offers', (t) => {
  t.true(aclMatches('req.ssl_alpn http/1.1', HELLO));
  t.true(aclMatches('req.ssl_alpn h2', HELLO));
  t.false(aclMatches('req.ssl_alpn h3', HELLO));
  t.true(aclMatches('req.ssl_sni -m end .example.com', HELLO));
});

test('in an ACL, http_auth_group matches any group of the authenticated user', (t) => {
  t.true(aclMatches('http_auth_group(admins) dev', ALICE));
  t.true(aclMatches('http_auth_group(admins) ops', ALICE));
  t.false(aclMatches('http_auth_group(admins) ops', basic('bob:hunter2')));
  t.false(aclMatches('http_auth_group(admins) dev', basic('bob:hunter3')));
});
