// The condition language: named ACLs (lines with one name OR together),
// anonymous blocks, `!`, implicit AND, `or`/`||`, `if`/`unless`, HAProxy's
// predefined ACLs, where a condition can be used, and what evaluating costs.

import test from 'ava';
import {
  type Acl,
  AclError,
  compileAclDeclaration,
  compileCondition,
  conflictWarning,
  type Condition,
  declareAcl,
  PREDEFINED_ACLS,
  type SampleContext,
} from '../../../src/acl/index.ts';
import { type FakeExchange, fakeContext } from './context.ts';

function proxy(...lines: string[]): Map<string, Acl> {
  const acls = new Map<string, Acl>();
  for (const l of lines) {
    const d = compileAclDeclaration(l.split(' '), { file: 't.cfg', line: 1 });
    if (d instanceof AclError) throw new Error(d.toString());
    declareAcl(acls, d);
  }
  return acls;
}

function cond(acls: Map<string, Acl>, text: string): Condition {
  const c = compileCondition(text.split(' '), acls, { file: 't.cfg', line: 9 });
  if (c instanceof AclError) throw new Error(c.toString());
  return c;
}

// three independent facts about a request, to build truth tables from
const ACLS = ['a path_beg /a', 'b req.hdr(x-b) 1', 'c src 10.0.0.0/8'];

function ex(a: boolean, b: boolean, c: boolean): SampleContext {
  const x: FakeExchange = { url: a ? '/a/x' : '/z', headers: b ? ['X-B', '1'] : [], src: c ? '10.1.1.1' : '192.0.2.1' };
  return fakeContext(x);
}

const ALL: [boolean, boolean, boolean][] = [];
for (let i = 0; i < 8; i++) ALL.push([(i & 4) !== 0, (i & 2) !== 0, (i & 1) !== 0]);

function truthTable(text: string, expect: (a: boolean, b: boolean, c: boolean) => boolean): string[] {
  const acls = proxy(...ACLS);
  const c = cond(acls, text);
  const wrong: string[] = [];
  for (const [a, b, cc] of ALL) if (c.eval(ex(a, b, cc)) !== expect(a, b, cc)) wrong.push(`a=${a} b=${b} c=${cc}`);
  return wrong;
}

test('juxtaposition is AND, or and || separate alternatives, AND binds tighter', (t) => {
  t.deepEqual(truthTable('if a b', (a, b) => a && b), []);
  t.deepEqual(truthTable('if a b c', (a, b, c) => a && b && c), []);
  t.deepEqual(truthTable('if a or b', (a, b) => a || b), []);
  t.deepEqual(truthTable('if a || b', (a, b) => a || b), []);
  t.deepEqual(truthTable('if a OR b', (a, b) => a || b), []);
  t.deepEqual(truthTable('if a b || c', (a, b, c) => (a && b) || c), []);
  t.deepEqual(truthTable('if a || b c', (a, b, c) => a || (b && c)), []);
  t.deepEqual(truthTable('if a b or !a c', (a, b, c) => (a && b) || (!a && c)), []);
});

test('! negates one term, in any spelling; unless negates the whole condition', (t) => {
  t.deepEqual(truthTable('if !a', (a) => !a), []);
  t.deepEqual(truthTable('if ! a', (a) => !a), []);
  t.deepEqual(truthTable('if !!a', (a) => a), []);
  t.deepEqual(truthTable('if !a b', (a, b) => !a && b), []);
  t.deepEqual(truthTable('if ! a ! b', (a, b) => !a && !b), []);
  t.deepEqual(truthTable('unless a', (a) => !a), []);
  t.deepEqual(truthTable('unless a b || c', (a, b, c) => !((a && b) || c)), []);
  t.deepEqual(truthTable('if ! or a', (a) => a), [], 'a dangling ! is dropped at or');
});

test('anonymous blocks work like named ACLs, negated too', (t) => {
  t.deepEqual(truthTable('if { path_beg /a } !{ src 10.0.0.0/8 }', (a, _b, c) => a && !c), []);
  t.deepEqual(truthTable('if ! { req.hdr(x-b) 1 } || a', (a, b) => !b || a), []);
  t.deepEqual(truthTable('if { path_beg /a } { path_beg /a }', (a) => a), []);
});

test('an empty condition is false (unless: true), as in haproxy', (t) => {
  const acls = proxy(...ACLS);
  t.false(cond(acls, 'if').eval(ex(true, true, true)));
  t.false(cond(acls, 'if !').eval(ex(true, true, true)));
  t.false(cond(acls, 'if or').eval(ex(true, true, true)));
  t.true(cond(acls, 'unless').eval(ex(true, true, true)));
});

test('declarations with the same name OR together, also those after a rule uses the name', (t) => {
  const acls = proxy('static path_beg /static/', 'static path_end .png');
  const c = cond(acls, 'if static');
  t.true(c.eval(fakeContext({ url: '/static/x' })));
  t.true(c.eval(fakeContext({ url: '/img/a.png' })));
  t.false(c.eval(fakeContext({ url: '/img/a.gif' })));
  const later = compileAclDeclaration(['static', 'path_end', '.gif'], { file: 't.cfg', line: 20 });
  if (later instanceof AclError) return t.fail();
  declareAcl(acls, later);
  t.true(c.eval(fakeContext({ url: '/img/a.gif' })), 'the ACL object is shared, as in haproxy');
  t.is(acls.get('static')!.expressions.length, 3);
});

test('names are case-sensitive; a name must exist when the rule is read', (t) => {
  const acls = proxy('Api path_beg /api');
  const e = compileCondition(['if', 'api'], acls, { file: 't.cfg', line: 3 });
  t.true(e instanceof AclError);
  t.is(String(e), "HAWSER_ACL_UNKNOWN_ACL t.cfg:3: no such ACL : 'api'");
  t.false(cond(acls, 'if Api').eval(fakeContext({ url: '/x' })));
});

test('every predefined ACL compiles and means what haproxy says', (t) => {
  const acls = new Map<string, Acl>();
  const results: Record<string, boolean | string> = {};
  const get: FakeExchange = { method: 'GET', url: '/x', version: '1.1', src: '127.0.0.1', headers: ['Content-Length', '3'], requestLength: 80 };
  for (const name of PREDEFINED_ACLS) {
    const c = compileCondition(['if', name], acls);
    results[name] = c instanceof AclError ? c.code : c.eval(fakeContext(get));
  }
  t.deepEqual(results, {
    TRUE: true,
    FALSE: false,
    LOCALHOST: true,
    HTTP: true,
    'HTTP_1.0': false,
    'HTTP_1.1': true,
    'HTTP_2.0': false,
    METH_CONNECT: false,
    METH_DELETE: false,
    METH_GET: true,
    METH_HEAD: false,
    METH_OPTIONS: false,
    METH_POST: false,
    METH_PUT: false,
    METH_TRACE: false,
    HTTP_URL_ABS: false,
    HTTP_URL_SLASH: true,
    HTTP_URL_STAR: false,
    HTTP_CONTENT: true,
    RDP_COOKIE: 'HAWSER_ACL_UNSUPPORTED',
    REQ_CONTENT: true,
    WAIT_END: true,
  });
  t.true(acls.has('METH_GET'), 'a predefined ACL joins the proxy ACLs when used');
  t.true(cond(new Map(), 'if METH_GET').eval(fakeContext({ method: 'HEAD' })));
  t.true(cond(new Map(), 'if LOCALHOST').eval(fakeContext({ src: '::1' })));
  t.true(cond(new Map(), 'if HTTP_URL_ABS').eval(fakeContext({ url: 'http://x/y' })));
});

test('a proxy may redefine a predefined ACL before using it', (t) => {
  const acls = proxy('TRUE always_false');
  t.false(cond(acls, 'if TRUE').eval(fakeContext({})));
});

test('evaluation stops at the first failing term and the first true alternative', (t) => {
  let urlReads = 0;
  let srcReads = 0;
  const base = fakeContext({ url: '/a', src: '10.0.0.1' });
  const counting: SampleContext = {
    ...base,
    url: () => {
      urlReads++;
      return base.url();
    },
    clientAddress: () => {
      srcReads++;
      return base.clientAddress();
    },
  };
  const acls = proxy('p path_beg /nope', 's src 10.0.0.0/8');
  cond(acls, 'if p s').eval(counting);
  t.is(srcReads, 0, 'AND stops at the first false term');
  cond(acls, 'if s || p').eval(counting);
  t.is(urlReads, 1, 'OR stops at the first true alternative (p was read once, above)');
});

test('conflicts: ACLs whose fetches have no value in a rule set, in haproxy\'s words', (t) => {
  const acls = proxy('ua req.hdr(user-agent) -m sub bot', 'st status 500', 'both req.hdr(x) 1', 'both status 200');
  const c = cond(acls, 'if ua || { status 404 } both { src 10.0.0.0/8 } { method GET }');
  t.deepEqual(c.conflicts('request'), [
    { acl: '', keyword: 'status' },
    { acl: 'both', keyword: 'status' },
  ]);
  t.deepEqual(c.conflicts('response'), [
    { acl: 'ua', keyword: 'req.hdr' },
    { acl: 'both', keyword: 'req.hdr' },
  ]);
  t.deepEqual(c.conflicts('connection').map((x) => x.keyword), ['req.hdr', 'status', 'req.hdr', 'method']);
  t.is(
    conflictWarning({ acl: '', keyword: 'hdr_cnt' }, 'frontend http-response header rule'),
    "anonymous acl will never match because it uses keyword 'hdr_cnt' which is incompatible with 'frontend http-response header rule'",
  );
  t.is(conflictWarning({ acl: 'ua', keyword: 'req.hdr' }, 'x'), "acl 'ua' will never match because it uses keyword 'req.hdr' which is incompatible with 'x'");
});

test('anonymous blocks carry haproxy\'s warnings; conditions keep their position', (t) => {
  const c = cond(new Map(), 'if { req.hdr(host) }');
  t.is(c.warnings.length, 1);
  t.deepEqual(c.pos, { file: 't.cfg', line: 9 });
});

test('conditions over L4 facts work without any HTTP message (tcp rules)', (t) => {
  const acls = proxy('lan src 192.168.0.0/16', 'smtp dst_port 25');
  const c = cond(acls, 'if lan smtp || { ssl_fc }');
  t.true(c.eval(fakeContext({ tcp: true, src: '192.168.3.4', dstPort: 25 })));
  t.false(c.eval(fakeContext({ tcp: true, src: '192.168.3.4', dstPort: 26 })));
  t.false(cond(acls, 'if { path_beg / }').eval(fakeContext({ tcp: true })), 'HTTP fetches are absent in tcp mode');
  t.true(cond(acls, 'unless { path_beg / }').eval(fakeContext({ tcp: true })));
});

test('a frontend with 20 ACLs: thousands of evaluations per millisecond', (t) => {
  const lines: string[] = [];
  for (let i = 0; i < 10; i++) lines.push(`p${i} path_beg /svc${i}/`);
  for (let i = 0; i < 5; i++) lines.push(`h${i} hdr(host) -i app${i}.example.com`);
  for (let i = 0; i < 5; i++) lines.push(`n${i} src 10.${i}.0.0/16`);
  const acls = proxy(...lines);
  const conds = [];
  for (let i = 0; i < 10; i++) conds.push(cond(acls, `if p${i} h${i % 5} || n${i % 5}`));
  const ctxs = [
    fakeContext({ url: '/svc9/x', headers: ['Host', 'APP4.example.com', 'User-Agent', 'x'], src: '192.0.2.1' }),
    fakeContext({ url: '/other', headers: ['Host', 'www.example.com'], src: '10.4.1.1' }),
  ];
  let hits = 0;
  const N = 20_000;
  const t0 = performance.now();
  for (let i = 0; i < N; i++) {
    const c = ctxs[i & 1]!;
    for (const k of conds) if (k.eval(c)) hits++;
  }
  const us = ((performance.now() - t0) * 1000) / N;
  t.log(`${us.toFixed(2)} µs to evaluate 10 use_backend-style conditions over 20 ACLs`);
  t.true(hits > 0);
  t.true(us < 50, `took ${us} µs`);
});

test('ProxyAcls: one namespace per proxy, files shared by every proxy of a load', async (t) => {
  const { PatternFiles, ProxyAcls } = await import('../../../src/acl/index.ts');
  let reads = 0;
  const files = new PatternFiles(() => {
    reads++;
    return '10.0.0.0/8\n';
  });
  const www = new ProxyAcls({ files, proxy: 'www' });
  const api = new ProxyAcls({ files, proxy: 'api' });
  t.false(www.declare(['lan', 'src', '-f', '/etc/hawser/lan.acl']) instanceof AclError);
  t.false(api.declare(['lan', 'src', '-f', '/etc/hawser/lan.acl']) instanceof AclError);
  t.is(reads, 1);
  t.false(www.declare(['lan', 'src', '192.0.2.0/24']) instanceof AclError);
  const c1 = www.condition(['if', 'lan']);
  const c2 = api.condition(['if', 'lan']);
  if (c1 instanceof AclError || c2 instanceof AclError) return t.fail();
  t.true(c1.eval(fakeContext({ src: '192.0.2.9' })), "www's second line");
  t.false(c2.eval(fakeContext({ src: '192.0.2.9' })), "api has no such line");
  t.true(c2.eval(fakeContext({ src: '10.9.9.9' })));
  const e = www.expression('%[src,ipmask(8)]');
  t.true(!(e instanceof AclError) && e.evalString(fakeContext({ src: '10.9.9.9' })) === '10.0.0.0');
  const bad = api.condition(['if', 'nope'], { file: 'hawser.cfg', line: 40 });
  t.is(String(bad), "HAWSER_ACL_UNKNOWN_ACL hawser.cfg:40: no such ACL : 'nope'");
});
