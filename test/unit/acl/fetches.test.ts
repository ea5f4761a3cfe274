// Every sample fetch, on requests and responses described as SampleContexts:
// what it returns alone (the last occurrence for repeated fields), what it
// returns in an ACL (every occurrence), and that it is absent where HAProxy's
// would be (no HTTP message, missing field).

import test from 'ava';
import { AclError, compileAclDeclaration, compileSampleExpression, FETCHES } from '../../../src/acl/index.ts';
import { type FakeExchange, fakeContext, show } from './context.ts';

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

type Case = [expr: string, ex: FakeExchange, expected: string];

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
];

CASES.forEach(([expr, ex, expected], i) => {
  test(`fetch #${i} ${expr} -> ${expected}${ex === TCP ? ' (tcp)' : ex === RES ? ' (response)' : ''}`, (t) => {
    const x = compileSampleExpression(expr);
    if (x instanceof AclError) return t.fail(x.toString());
    t.is(show(x.eval(fakeContext(ex))), expected);
  });
});

test('every fetch of the table is exercised above', (t) => {
  const used = new Set(CASES.map(([e]) => e.replace(/[(,].*$/, '')));
  t.deepEqual(FETCHES.map((f) => f.name).filter((n) => !used.has(n)), []);
});

/** What an ACL sees: true when any occurrence matches. */
function aclMatches(words: string, ex: FakeExchange): boolean | string {
  const d = compileAclDeclaration(['x', ...words.split(' ')]);
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
