// tcp-request rules and the shared actions, on sessions described by the
// test: verdicts in order, content rules that wait while a condition cannot
// decide and decide once no more bytes may come, variables, captures and
// log levels, and the messages of bad lines.

import test from 'ava';
import { ACL_FAIL, ACL_MISS, ACL_PASS, AclError, ProxyAcls, Sample } from '../../../src/acl/index.ts';
import {
  type ActionProxy,
  compileHttpRule,
  compileTcpRule,
  RuleError,
  runTcpRules,
  TCP_GO,
  TCP_REJECT,
  TCP_WAIT,
  type TcpRule,
  type TcpRuleSet,
} from '../../../src/rules/index.ts';
import { fakeContext } from '../acl/context.ts';

const pos = { file: 't.cfg', line: 3 };

function proxy(): ActionProxy {
  return { name: 'fe', kind: 'frontend', frontend: true, captures: { request: [], response: [] } };
}

function rules(set: TcpRuleSet, lines: string[], acls = new ProxyAcls(), px = proxy()): TcpRule[] {
  return lines.map((l) => {
    const r = compileTcpRule(set, l.split(' '), acls, pos, px);
    if (r instanceof RuleError) throw new Error(r.toString());
    return r;
  });
}

function bad(set: TcpRuleSet, line: string, px = proxy()): RuleError {
  const r = compileTcpRule(set, line.split(' '), new ProxyAcls(), pos, px);
  if (!(r instanceof RuleError)) throw new Error(`compiled: ${line}`);
  return r;
}

const TLS_LIKE = Buffer.from([0x16, 0x03, 0x01, 0x00, 0x05]);

test('connection rules: first matching accept or reject decides, default accept', (t) => {
  const r = rules('connection', ['accept if { src 10.0.0.0/8 }', 'reject if { src 10.0.0.0/8 } || { src 192.0.2.0/24 }']);
  t.is(runTcpRules(r, fakeContext({ src: '10.1.1.1' }), false), TCP_GO);
  t.is(runTcpRules(r, fakeContext({ src: '192.0.2.9' }), false), TCP_REJECT);
  t.is(runTcpRules(r, fakeContext({ src: '198.51.100.1' }), false), TCP_GO);
  t.is(runTcpRules(rules('connection', ['reject']), fakeContext({}), false), TCP_REJECT);
});

test('content rules wait while a condition needs more bytes, then decide', (t) => {
  const r = rules('content', ['reject if { req.payload(0,1) -m bin 16 }', 'accept if { req.len ge 8 }', 'reject']);
  const at = (payload: Buffer, mayGrow: boolean): number => runTcpRules(r, fakeContext({ tcp: true, payload, mayGrow }), true);
  t.is(at(Buffer.alloc(0), true), TCP_WAIT, 'no first byte yet: the first rule cannot decide');
  t.is(at(TLS_LIKE, true), TCP_REJECT, 'a TLS record type: rejected as soon as the byte is there');
  t.is(at(Buffer.from('GET'), true), TCP_WAIT, 'req.len 3 may still reach 8');
  t.is(at(Buffer.from('GET / HTTP/1.0'), true), TCP_GO, 'accepted as soon as 8 bytes are in');
  t.is(at(Buffer.from('GET'), false), TCP_REJECT, 'the delay is over: req.len ge 8 is false, the last rule rejects');
});

test('WAIT_END and HTTP fetches on a TCP buffer are undecided until the head is complete or the delay ends', (t) => {
  const acls = new ProxyAcls();
  const r = rules('content', ['accept if HTTP', 'reject if WAIT_END'], acls);
  const at = (text: string, mayGrow: boolean): number => runTcpRules(r, fakeContext({ tcp: true, payload: Buffer.from(text), mayGrow }), true);
  t.is(at('GET / HT', true), TCP_WAIT);
  t.is(at('GET / HT', false), TCP_REJECT);
  const hdr = rules('content', ['reject if { req.hdr(host) -i evil.example }']);
  t.is(runTcpRules(hdr, fakeContext({ tcp: true, payload: Buffer.from('GET / HTTP/1.1\r\nHo'), mayGrow: true }), true), TCP_WAIT);
  t.is(runTcpRules(hdr, fakeContext({ tcp: true, payload: Buffer.from('GET / HTTP/1.1\r\nHo'), mayGrow: false }), true), TCP_GO);
});

test('three-state conditions: MISS survives ! and unless, FAIL ends an AND, PASS an OR', (t) => {
  const acls = new ProxyAcls();
  acls.declare(['short', 'req.len', 'lt', '4'], pos);
  acls.declare(['lo', 'src', '127.0.0.0/8'], pos);
  const c = (text: string) => {
    const x = acls.condition(text.split(' '), pos);
    if (x instanceof AclError) throw new Error(x.toString());
    return x;
  };
  const growing = fakeContext({ tcp: true, payload: Buffer.from('ab'), mayGrow: true, src: '192.0.2.1' });
  t.is(c('if short').evalContent(growing), ACL_PASS, 'lt 4 holds now... and HAProxy still takes it');
  const big = fakeContext({ tcp: true, payload: Buffer.from('abcdef'), mayGrow: true, src: '192.0.2.1' });
  t.is(c('if short').evalContent(big), ACL_MISS);
  t.is(c('if !short').evalContent(big), ACL_MISS);
  t.is(c('unless short').evalContent(big), ACL_MISS);
  t.is(c('if lo short').evalContent(big), ACL_FAIL, 'a FAIL before the MISS ends the AND');
  t.is(c('if short || !lo').evalContent(big), ACL_PASS);
});

test('set-var, set-var-fmt, unset-var with scopes and conditions; var() reads them back', (t) => {
  const host = fakeContext({ src: '192.0.2.7', url: '/a?x=1' });
  const r = rules('content', [
    'set-var(sess.client) src',
    'set-var(txn.path) path',
    'set-var(txn.path,ifnotexists) str(never)',
    'set-var-fmt(req.line) %[src]:%[path]',
    'set-var(txn.n) int(5)',
    'set-var(txn.n,ifgt) int(3)',
    'set-var(txn.n,ifgt) int(9)',
    'unset-var(txn.gone)',
  ]);
  host.vars.set('txn.gone', (() => { const s = new Sample(); s.setStr('x'); return s; })());
  t.is(runTcpRules(r, host, true), TCP_GO);
  const out = new Sample();
  const get = (n: string): string | number | undefined => (host.getVar(n, out) ? (out.type === 2 ? out.int : out.type === 6 ? out.str : 'ip') : undefined);
  t.is(get('sess.client'), 'ip');
  t.is(get('txn.path'), '/a');
  t.is(get('req.line'), '192.0.2.7:/a');
  t.is(get('res.line'), '192.0.2.7:/a', "req and res are one store, as HAProxy's vars_reqres");
  t.is(get('txn.n'), 3, 'ifgt: set only when the old value is greater');
  t.is(get('txn.gone'), undefined);
  host.vars.endTransaction();
  t.is(get('txn.path'), undefined, 'txn variables end with the transaction');
  t.is(get('sess.client'), 'ip', 'sess variables live as long as the connection');
  const e = compileHttpRule('request', ['set-var(txn.x)', 'var(txn.y)'], new ProxyAcls(), pos, { loadFile: () => '' });
  t.false(e instanceof RuleError);
});

test('capture, set-log-level: slots are declared in order; values go to the host', (t) => {
  const px = proxy();
  px.captures.request.push({ len: 64, header: 'host' });
  const r = rules('content', ['capture req.payload(0,3) len 2', 'set-log-level silent'], new ProxyAcls(), px);
  t.deepEqual(px.captures.request.map((s) => s.len), [64, 2]);
  const host = fakeContext({ tcp: true, payload: Buffer.from('GET') });
  runTcpRules(r, host, true);
  t.deepEqual(host.requestCaptures[1], 'GET', 'the action gives the whole value; the session truncates to the slot');
  t.is(host.logLevel, 'silent');
  const h = compileHttpRule('response', ['capture', 'res.hdr(server)', 'id', '0'], new ProxyAcls(), pos, { loadFile: () => '', proxy: px });
  t.false(h instanceof RuleError);
});

test('bad tcp-request lines: unknown, not in this rule set, later issues, bad arguments', (t) => {
  const u = bad('content', 'acept');
  t.is(u.code, 'HAWSER_RULE_UNKNOWN_ACTION');
  t.regex(u.toString(), /^HAWSER_RULE_UNKNOWN_ACTION t\.cfg:3: 'tcp-request content' expects 'accept', 'reject', .* in frontend 'fe' \(got 'acept'\)\. \(did you mean 'accept'\?\)$/);
  t.is(bad('connection', 'capture src len 4').code, 'HAWSER_RULE_UNKNOWN_ACTION', 'capture is content-only');
  t.is(bad('connection', 'expect-proxy layer4').code, 'HAWSER_RULE_UNSUPPORTED');
  t.regex(bad('content', 'reject foo').message, /unexpected argument 'foo'/);
  t.regex(bad('content', 'set-var(txn) src').message, /invalid variable name 'txn'/);
  t.regex(bad('content', 'set-var(txn.x)').message, /expects a sample expression/);
  t.regex(bad('content', 'set-var(txn.x,ifmaybe) src').message, /unknown condition 'ifmaybe'/);
  t.regex(bad('connection', 'set-var(sess.x) req.hdr(host)').message, /not available in 'tcp-request connection' rules/);
  t.regex(bad('content', 'set-log-level loud').message, /expects a level/);
  t.regex(bad('content', 'capture src').message, /a positive 'len' argument is mandatory/);
  t.regex(bad('content', 'accept if nosuch').message, /no such ACL : 'nosuch'/);
});
