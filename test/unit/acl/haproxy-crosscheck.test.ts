// Our ACL evaluator against the installed haproxy 2.6, the reference.
//
// One haproxy frontend holds every condition of the table as
// `http-request set-var(txn.cN) str(1) if <condition>` and every expression
// of the table in the body of an `http-request return ... lf-string`. Each
// request of the table is sent to it over a real socket; the answer tells
// which conditions haproxy found true and what each expression gave. For the
// same request, described to our evaluator as a SampleContext, we must agree
// on every condition and every expression.

import test from 'ava';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Acl,
  AclError,
  compileAclDeclaration,
  compileCondition,
  compileSampleExpression,
  declareAcl,
  type Condition,
  type SampleExpression,
} from '../../../src/acl/index.ts';
import { freePorts, waitListening } from '../../support/ports.ts';
import { INSTALL_HINT } from '../cli/reference-haproxy.ts';
import { fakeContext } from './context.ts';

const dir = mkdtempSync(join(tmpdir(), 'hawser-acl-'));
const F = dir;

const FILES: Record<string, string> = {
  'hosts.map': '# host -> backend\nwww.example.com app\nexample.com   site \nimg.example.org static\napi.example.com api\n.org orgs\n',
  'ips.acl': '# allowed\n10.0.0.0/8\n127.0.0.2\n  192.168.0.0/16\n::1\n',
  'paths.map': '/a short\n/api api\n/api/v1 api1\n/static/ st\n.png png\n/ root\n',
  // map_sub gets its own copy: haproxy 2.6 shares one match cache between
  // map_end and map_sub over the same file, so the second sees the first's
  // result (a haproxy bug, order-dependent; Hawser computes each)
  'paths-sub.map': '/a short\n/api api\n/api/v1 api1\n/static/ st\n.png png\n/ root\n',
  'ip.map': '0.0.0.0/0 any\n127.0.0.0/8 loop\n127.0.0.1 me\n127.0.0.1 me-again\n::/0 any6\n',
};

const DECLARATIONS: string[] = [
  'api path_beg /api/',
  'api path_beg /v2/',
  'ex_host hdr(host) -i www.example.com api.example.com',
  'dom_ex hdr_dom(host) -i example.com',
  'static path_end -i .png .jpg .css',
  'get_m method GET HEAD',
  'local src 127.0.0.0/8',
  'has_sess req.cook(sess) -m found',
  'lan_xff hdr_ip(x-forwarded-for) 10.0.0.0/8',
  'big_num hdr_val(x-num) gt 10',
  `mapped req.hdr(host),lower,map_dom(${F}/hosts.map) -m found`,
];

function conditions(port: number): string[] {
  return [
    'if api',
    'if !api',
    'if api ex_host',
    'if api || static',
    'if api or !local',
    'unless get_m',
    'if ! get_m dom_ex',
    'if has_sess lan_xff',
    'if big_num',
    'if mapped',
    'if { path_sub adm }',
    'if { path_reg ^/api/v[0-9]+/ }',
    'if { path_dir x }',
    'if { path_dom static }',
    'if { path_len gt 10 }',
    'if { path_beg -i /API }',
    'if { url_beg http: }',
    'if { url * }',
    'if { url_end ?q=1 }',
    'if { url_sub 20b }',
    'if { url_reg ^/a }',
    'if { url_len 1 }',
    'if { query -m found }',
    'if { query -m sub b=x }',
    'if { base_beg www.example.com/api }',
    'if { base example.com/abs/path }',
    'if { base_sub static }',
    'if { hdr_cnt(x-multi) ge 3 }',
    'if { hdr(x-multi) b }',
    'if { hdr(x-multi) c }',
    'if { hdr(x-multi,1) a }',
    'if { hdr(x-multi,-1) c }',
    'if { hdr(x-multi,2) -m sub , }',
    'if { req.fhdr(x-multi) -m beg a, }',
    'if { req.fhdr(user-agent) -m sub (X11, }',
    'if { hdr(user-agent) -m sub Linux) }',
    'if { hdr_beg(host) -i www. }',
    'if { hdr_end(host) .org }',
    'if { hdr_sub(user-agent) -i CURL }',
    'if { hdr_reg(user-agent) ^Mozilla }',
    'if { hdr_len(host) 15 }',
    'if { hdr_dir(host) example.com }',
    'if { hdr_ip(x-forwarded-for) 192.168.0.0/16 }',
    'if { hdr_ip(x-forwarded-for) 2001:db8::/32 }',
    'if { hdr_ip(x-real) 10.1.2.3 }',
    'if { req.hdr_cnt gt 5 }',
    'if { req.fhdr_cnt(x-multi) 2 }',
    'if { req.cook(sess) abc }',
    'if { req.cook(sess) 1 }',
    'if { cook(sess) 2 }',
    'if { cook_cnt(sess) 2 }',
    'if { cook_val(n) lt 5 }',
    'if { cook(c) 3 }',
    'if { cook_beg(a) 1 }',
    'if { url_param(a) 1 }',
    'if { urlp(b) -m beg x }',
    'if { urlp(y) 2 }',
    'if { url_param -m found }',
    'if { src 127.0.0.1 }',
    'if { src 10.0.0.0/8 }',
    `if { src -f ${F}/ips.acl }`,
    'if { src_port gt 1024 }',
    'if { dst 127.0.0.1 }',
    `if { dst_port ${port} }`,
    'if { method -i get }',
    'if { method get }',
    'if { method PATCH }',
    'if { method -i patch }',
    'if { method -m str GET }',
    'if { req.ver 1.0 }',
    'if METH_GET',
    'if HTTP_1.1',
    'if LOCALHOST',
    'if HTTP_CONTENT',
    'if HTTP_URL_ABS',
    'if HTTP_URL_STAR',
    'if HTTP_URL_SLASH',
    'if TRUE',
    'if FALSE',
    'if { always_false } || { always_true }',
    'if { env(HAWSER_XCHECK) yes }',
    'if { env(HAWSER_NOPE) -m found }',
    'if { nbsrv(be) 1 }',
    'if { srv_is_up(be/s1) }',
    'if { be_conn(be) 0 }',
    'if { path,field(2,/) api }',
    'if { path,word(-1,/) x }',
    `if { req.hdr(host),lower,map(${F}/hosts.map) app }`,
    `if { req.hdr(host),map_beg(${F}/hosts.map,none) none }`,
    'if { path -m len 4:10 }',
    'if { path -m dom api }',
    'if { req.body -m sub world }',
    'if { req.body_len gt 3 }',
    'if { req.hdr(x-num),add(8) 50 }',
    'if { str(abc),base64 YWJj }',
    'if { src,ipmask(24) 127.0.0.0 }',
    'if { path,lower -m beg /static }',
    'if { path_beg,lower /static }',
    'if { hdr(host) -m reg -i ^API[.] }',
    'if { req.hdr(host) -m end .COM }',
    'if { int(5) eq 5 } { int(5) 1:10 } !{ int(5) le 4 }',
    'if { int(5) -m bool }',
    'if { str(abc) -m len 3 }',
    'if { bin(414243) -m bin 414243 }',
    'if { str(ABC) -m bin 414243 }',
    'if { var(txn.nope) -m found }',
    'if { req.hdr(x-num) -m int 42 }',
    'if { hdr(host) -m found }',
    'if { hdr(x-absent) -m found }',
    'if { hdr(x-dash) -- -i }',
    'if { hdr(x-multi) -m str -i A }',
    'if { url_param(a) -m int gt 0 lt 2 }',
  ];
}

const EXPRESSIONS: string[] = [
  'path',
  'pathq',
  'url',
  'query',
  'base',
  'req.hdr(host),lower',
  'hdr(x-multi)',
  'hdr(x-multi,1)',
  'req.fhdr(x-multi)',
  'req.hdr_cnt(x-multi)',
  'req.fhdr_cnt(x-multi)',
  'req.hdr_names',
  'req.hdr_names(;)',
  'req.cook(sess)',
  'req.cook',
  'req.cook_cnt',
  'url_param(a)',
  'url_param',
  'urlp(y)',
  'src',
  'src,ipmask(24)',
  'method',
  'req.ver',
  'path,word(2,/)',
  'path,field(3,/)',
  'path,field(2,/,0)',
  'path,word(1,/,2)',
  `req.hdr(host),map(${F}/hosts.map,none)`,
  `req.hdr(host),lower,map_dom(${F}/hosts.map,none)`,
  `req.hdr(host),lower,map_end(${F}/hosts.map,none)`,
  'str(hello),base64',
  'req.fhdr(user-agent),json',
  'path,regsub(/,_,g)',
  'path,regsub(/,_)',
  'path,length',
  'req.hdr(host),upper',
  'int(5),add(3)',
  'int(7),div(2)',
  'int(-7),mod(3)',
  'hdr_ip(x-forwarded-for)',
  'req.hdr(x-forwarded-for,1),ipmask(16)',
  'req.body',
  'req.body,length',
  'req.body_len',
  'cook_val(n)',
  'urlp_val(a)',
  'req.hdr(user-agent),lower,djb2',
  'str(abc),crc32',
  'str(abc),sdbm(1)',
  'str(abc),wt6',
  'str(x),concat(a,,b)',
  'int(3),mul(4),sub(1)',
  'int(6),and(3)',
  'int(6),xor(3)',
  'int(5),neg',
  'int(5),cpl',
  'str(abc),hex',
  'str(YWJj),b64dec',
  'str(xxabcxx),ltrim(x),rtrim(x)',
  'int(0),bool',
  'int(4),odd',
  'int(4),even',
  'int(0),not',
  'str(a_b_c),word(2,_)',
  'str(f1_f2_f3__f5),field(5,_)',
  'str(f1_f2_f3__f5),word(-2,_,3)',
  'str(f1_f2_f3__f5),field(-2,_,3)',
  'ipv6(::ffff:1.2.3.4)',
  'ipv6(2001:db8::1),ipmask(8,32)',
  'ipv4(10.1.2.3),ipmask(255.255.0.0)',
  'str(Hello),lower,upper',
  'req.hdr(host),regsub(example,EX,i)',
  'str(aXbXc),regsub(x,-,gi)',
  'str(abc),regsub(z*,-,g)',
  'req.hdr_cnt',
  'env(HAWSER_XCHECK)',
  'nbsrv(be)',
  'str(abc),json(utf8s)',
  `path,map_beg(${F}/paths.map,none)`,
  `path,map_end(${F}/paths.map,none)`,
  `path,map_sub(${F}/paths-sub.map,none)`,
  `path,map_dir(${F}/paths.map,none)`,
  `path,map_str(${F}/paths.map,none)`,
  `src,map_ip(${F}/ip.map,none)`,
  `str(10.1.2.3),map_ip(${F}/ip.map,none)`,
  `req.hdr(host),map_reg(${F}/hosts.map,none)`,
];

interface Req {
  name: string;
  raw: string;
  /** What our evaluator is told (src port and haproxy's port are added). */
  method: string;
  url: string;
  version: string;
  headers: string[];
  body?: string;
}

function req(name: string, method: string, url: string, version: string, headers: string[], body?: string): Req {
  let raw = `${method} ${url} HTTP/${version}\r\n`;
  for (let i = 0; i < headers.length; i += 2) raw += `${headers[i]}: ${headers[i + 1]}\r\n`;
  raw += '\r\n' + (body ?? '');
  return { name, raw, method, url, version, headers, body };
}

const REQUESTS: Req[] = [
  req('api GET with cookies and lists', 'GET', '/api/v1/users?a=1&b=xyz', '1.1', [
    'Host', 'www.example.com',
    'User-Agent', 'curl/8.0',
    'Cookie', 'sess=abc; n=3',
    'X-Multi', 'a, b',
    'X-Multi', 'c',
    'X-Forwarded-For', '192.168.1.20, 10.0.0.1',
    'X-Num', '42',
  ]),
  req('POST with a body', 'POST', '/static/img.PNG', '1.1', [
    'Host', 'img.example.org',
    'User-Agent', 'Mozilla/5.0(X11,Linux)',
    'Cookie', 'sess=1; sess=2',
    'Content-Length', '11',
    'X-Dash', '-i',
  ], 'hello world'),
  req('PATCH on an admin dir', 'PATCH', '/admin/x/', '1.1', ['Host', 'API.Example.COM', 'X-Num', '7']),
  req('lower-case method', 'get', '/', '1.1', ['Host', 'example.com']),
  req('HTTP/1.0 with ; parameters', 'GET', '/a20b?x=1;y=2', '1.0', ['X-Real', '10.1.2.3:8080']),
  req('absolute-form', 'GET', 'http://example.com/abs/path?q=1', '1.1', ['Host', 'example.com']),
  req('asterisk', 'OPTIONS', '*', '1.1', ['Host', 'x']),
  req('quoted lists and odd cookies', 'DELETE', '/v2/thing', '1.1', [
    'Host', 'api.example.com',
    'X-Multi', '"a,b", c',
    'Cookie', ' a = 1 ;b=2,c=3',
    'X-Forwarded-For', '2001:db8::1',
    'X-Real', '10.1.2.3',
  ]),
  req('empty values', 'GET', '/?a&b=1&=2', '1.1', ['Host', '', 'Cookie', 'sess=', 'Cookie', '$Version=1; sess=', 'X-Multi', '', 'X-Multi', 'a,']),
];

interface HaproxyAnswer {
  bits: string;
  values: string[];
  srcPort: number;
}

function ask(port: number, raw: string): Promise<HaproxyAnswer> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port });
    let data = Buffer.alloc(0);
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error('haproxy did not answer in time'));
    }, 5000);
    s.on('connect', () => s.write(Buffer.from(raw, 'latin1')));
    s.on('data', (d) => {
      data = Buffer.concat([data, d]);
      const text = data.toString('latin1');
      const end = text.indexOf('\r\n\r\n');
      if (end < 0) return;
      const m = /content-length: (\d+)/i.exec(text.slice(0, end));
      const len = m ? Number(m[1]) : 0;
      if (data.length < end + 4 + len) return;
      clearTimeout(timer);
      const srcPort = s.localPort ?? 0;
      s.destroy();
      const body = text.slice(end + 4, end + 4 + len);
      const bar = body.indexOf('|');
      resolve({ bits: body.slice(2, bar), values: body.slice(bar + 1).split('~~').slice(0, -1), srcPort });
    });
    s.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}


let child: ChildProcess | undefined;

test.after.always(() => {
  if (child !== undefined && child.exitCode === null) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

test('conditions and sample expressions decide as haproxy 2.6 does', async (t) => {
  for (const [name, text] of Object.entries(FILES)) writeFileSync(join(dir, name), text);
  const [port, backendPort] = await freePorts(2);
  const conds = conditions(port!);
  const cfg = [
    'defaults',
    '  mode http',
    '  timeout connect 1s',
    '  timeout client 5s',
    '  timeout server 5s',
    'frontend fe',
    `  bind 127.0.0.1:${port}`,
    '  option http-buffer-request',
    ...DECLARATIONS.map((d) => `  acl ${d}`),
    ...conds.map((c, i) => `  http-request set-var(txn.c${i}) str(1) ${c}`),
    `  http-request return status 200 content-type text/plain lf-string "c=${conds.map((_, i) => `%[var(txn.c${i},0)]`).join('')}|${EXPRESSIONS.map((e) => `%[${e}]~~`).join('')}"`,
    '  default_backend be',
    'backend be',
    `  server s1 127.0.0.1:${backendPort}`,
    '',
  ].join('\n');
  const cfgPath = join(dir, 'haproxy.cfg');
  writeFileSync(cfgPath, cfg);

  // our side: the same declarations, conditions and expressions
  const opts = { loadFile: (p: string) => readFileSync(p, 'latin1'), proxy: 'fe', hasBackend: (b: string) => b === 'be', hasServer: (b: string, s: string) => b === 'be' && s === 's1' };
  const acls = new Map<string, Acl>();
  for (const d of DECLARATIONS) {
    const def = compileAclDeclaration(d.split(' '), { file: 'haproxy.cfg', line: 1 }, opts);
    if (def instanceof AclError) return t.fail(`acl ${d}: ${def.toString()}`);
    declareAcl(acls, def);
  }
  const ours: Condition[] = [];
  for (const c of conds) {
    const cond = compileCondition(c.split(' '), acls, { file: 'haproxy.cfg', line: 2 }, opts);
    if (cond instanceof AclError) return t.fail(`${c}: ${cond.toString()}`);
    ours.push(cond);
  }
  const exprs: SampleExpression[] = [];
  for (const e of EXPRESSIONS) {
    const x = compileSampleExpression(e, opts);
    if (x instanceof AclError) return t.fail(`${e}: ${x.toString()}`);
    exprs.push(x);
  }

  try {
    child = spawn('haproxy', ['-db', '-f', cfgPath], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, HAWSER_XCHECK: 'yes' } });
  } catch {
    return t.fail(INSTALL_HINT);
  }
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const spawned = await new Promise<boolean>((res) => {
    child!.once('spawn', () => res(true));
    child!.once('error', () => res(false));
  });
  if (!spawned) return t.fail(INSTALL_HINT);
  try {
    await waitListening(port!, child);
  } catch (e) {
    return t.fail(`${(e as Error).message}\n${stderr}`);
  }

  const mismatches: string[] = [];
  for (const r of REQUESTS) {
    const answer = await ask(port!, r.raw);
    t.is(answer.bits.length, conds.length, `${r.name}: haproxy's answer has every condition`);
    const ctx = fakeContext({
      src: '127.0.0.1',
      srcPort: answer.srcPort,
      dst: '127.0.0.1',
      dstPort: port,
      method: r.method,
      url: r.url,
      version: r.version,
      headers: r.headers,
      body: r.body !== undefined ? Buffer.from(r.body, 'latin1') : undefined,
      env: { HAWSER_XCHECK: 'yes' },
      servers: { be: { s1: true } },
      beConn: { be: 0 },
      frontend: 'fe',
    });
    for (let i = 0; i < conds.length; i++) {
      const theirs = answer.bits[i] === '1';
      const mine = ours[i]!.eval(ctx);
      if (theirs !== mine) mismatches.push(`${r.name}: '${conds[i]}' haproxy=${theirs} hawser=${mine}`);
    }
    for (let i = 0; i < EXPRESSIONS.length; i++) {
      const theirs = answer.values[i];
      const mine = exprs[i]!.evalString(ctx) ?? '';
      if (theirs !== mine) mismatches.push(`${r.name}: %[${EXPRESSIONS[i]}] haproxy=${JSON.stringify(theirs)} hawser=${JSON.stringify(mine)}`);
    }
  }
  t.deepEqual(mismatches, []);
  t.true(REQUESTS.length * (conds.length + EXPRESSIONS.length) > 1000, 'a meaningful number of decisions were compared');
});

// ---- response rules: haproxy in front of a raw server whose answers we choose

const RESPONSES: { path: string; raw: string; version: string; status: number; headers: string[] }[] = [
  {
    path: '/redirect',
    version: '1.1',
    status: 302,
    headers: [
      'Location', '/login',
      'Set-Cookie', 'SID=new; Path=/; Expires=Wed, 21 Oct 2026 07:28:00 GMT',
      'Set-Cookie', 'theme=light',
      'Cache-Control', 'no-cache, private',
      'X-A', 'a, b',
      'X-Ip', '10.0.0.7',
      'X-Len', '1024',
      'Content-Length', '0',
    ],
    raw: '',
  },
  {
    path: '/ok',
    version: '1.0',
    status: 200,
    headers: ['Content-Type', 'text/plain', 'Set-Cookie', 'n=12; HttpOnly', 'X-Ip', '2001:db8::7, 192.168.0.1:80', 'Content-Length', '2'],
    raw: 'ok',
  },
];

const RESPONSE_CONDITIONS = [
  'if { status 302 }',
  'if { status 200:299 }',
  'if { res.hdr(x-a) b }',
  'if { shdr(x-a,1) a }',
  'if { res.hdr_cnt(set-cookie) 3 }',
  'if { res.fhdr(cache-control) -m sub private }',
  'if { res.cook(SID) new }',
  'if { res.cook(Path) -m found }',
  'if { scook_cnt gt 3 }',
  'if { res.hdr_ip(x-ip) 10.0.0.0/8 }',
  'if { res.hdr_ip(x-ip) 192.168.0.0/16 }',
  'if { res.hdr_val(x-len) gt 100 }',
  'if { res.ver 1.0 }',
  'if { resp_ver 1.1 }',
  'if { shdr_beg(location) /log }',
  'if { scook(n) -m int 12 }',
  'if { method GET }',
  'if { status,mul(2) 604 }',
  'unless { status 302 } || { status 200 }',
];

const RESPONSE_EXPRESSIONS = [
  'status',
  'res.hdr(x-a)',
  'hdr(x-a)',
  'res.fhdr(cache-control)',
  'res.hdr_cnt',
  'res.fhdr_cnt',
  'res.hdr_names',
  'res.cook(SID)',
  'res.cook',
  'res.cook_cnt',
  'res.cook_cnt(SID)',
  'res.cook_val(n)',
  'res.hdr_ip(x-ip)',
  'res.hdr_ip(x-ip,1)',
  'res.hdr_val(x-len)',
  'res.ver',
  'cookie(theme)',
  'method',
];

test('response conditions and expressions decide as haproxy 2.6 does', async (t) => {
  const { createServer } = await import('node:net');
  const server = createServer((sock) => {
    let head = '';
    sock.on('data', (d) => {
      head += d.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      const path = head.split(' ')[1];
      const r = RESPONSES.find((x) => x.path === path) ?? RESPONSES[0]!;
      let raw = `HTTP/${r.version} ${r.status} X\r\n`;
      for (let i = 0; i < r.headers.length; i += 2) raw += `${r.headers[i]}: ${r.headers[i + 1]}\r\n`;
      sock.end(raw + '\r\n' + r.raw);
    });
    sock.on('error', () => {});
  });
  const [port, backendPort] = await freePorts(2);
  await new Promise<void>((res) => server.listen(backendPort, '127.0.0.1', res));
  t.teardown(() => server.close());
  const cfg = [
    'defaults',
    '  mode http',
    '  timeout connect 1s',
    '  timeout client 5s',
    '  timeout server 5s',
    'frontend fe2',
    `  bind 127.0.0.1:${port}`,
    ...RESPONSE_CONDITIONS.map((c, i) => `  http-response set-var(txn.r${i}) str(1) ${c}`),
    `  http-response set-header X-Ans "c=${RESPONSE_CONDITIONS.map((_, i) => `%[var(txn.r${i},0)]`).join('')}|${RESPONSE_EXPRESSIONS.map((e) => `%[${e}]~~`).join('')}"`,
    '  default_backend be2',
    'backend be2',
    `  server s1 127.0.0.1:${backendPort}`,
    '',
  ].join('\n');
  const cfgPath = join(dir, 'haproxy-res.cfg');
  writeFileSync(cfgPath, cfg);
  const acls = new Map<string, Acl>();
  const ours: Condition[] = [];
  for (const c of RESPONSE_CONDITIONS) {
    const cond = compileCondition(c.split(' '), acls);
    if (cond instanceof AclError) return t.fail(`${c}: ${cond.toString()}`);
    t.deepEqual(cond.conflicts('response').filter((x) => x.keyword !== 'method'), [], `${c} is usable in response rules`);
    ours.push(cond);
  }
  const exprs: SampleExpression[] = [];
  for (const e of RESPONSE_EXPRESSIONS) {
    const x = compileSampleExpression(e);
    if (x instanceof AclError) return t.fail(`${e}: ${x.toString()}`);
    exprs.push(x);
  }
  const proc = spawn('haproxy', ['-db', '-f', cfgPath], { stdio: ['ignore', 'ignore', 'pipe'] });
  t.teardown(() => {
    if (proc.exitCode === null) proc.kill('SIGKILL');
  });
  let stderr = '';
  proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const spawned = await new Promise<boolean>((res) => {
    proc.once('spawn', () => res(true));
    proc.once('error', () => res(false));
  });
  if (!spawned) return t.fail(INSTALL_HINT);
  try {
    await waitListening(port!, proc);
  } catch (e) {
    return t.fail(`${(e as Error).message}\n${stderr}`);
  }
  const mismatches: string[] = [];
  for (const r of RESPONSES) {
    const answer = await new Promise<string>((resolve, reject) => {
      const s = connect({ host: '127.0.0.1', port: port! });
      let data = '';
      const timer = setTimeout(() => {
        s.destroy();
        reject(new Error('no answer'));
      }, 5000);
      s.on('connect', () => s.write(`GET ${r.path} HTTP/1.1\r\nHost: x\r\n\r\n`));
      s.on('data', (d) => {
        data += d.toString('latin1');
        const m = /\r\nx-ans: ([^\r]*)\r\n/i.exec(data);
        if (m && data.includes('\r\n\r\n')) {
          clearTimeout(timer);
          s.destroy();
          resolve(m[1]!);
        }
      });
      s.on('error', reject);
    });
    const bar = answer.indexOf('|');
    const bits = answer.slice(2, bar);
    const values = answer.slice(bar + 1).split('~~').slice(0, -1);
    const ctx = fakeContext({
      method: 'GET',
      url: r.path,
      headers: ['Host', 'x'],
      response: true,
      status: r.status,
      responseVersion: r.version,
      responseHeaders: r.headers,
    });
    for (let i = 0; i < RESPONSE_CONDITIONS.length; i++) {
      const theirs = bits[i] === '1';
      const mine = ours[i]!.eval(ctx);
      if (theirs !== mine) mismatches.push(`${r.path}: '${RESPONSE_CONDITIONS[i]}' haproxy=${theirs} hawser=${mine}`);
    }
    for (let i = 0; i < RESPONSE_EXPRESSIONS.length; i++) {
      const mine = exprs[i]!.evalString(ctx) ?? '';
      if (values[i] !== mine) mismatches.push(`${r.path}: %[${RESPONSE_EXPRESSIONS[i]}] haproxy=${JSON.stringify(values[i])} hawser=${JSON.stringify(mine)}`);
    }
  }
  t.deepEqual(mismatches, []);
});
