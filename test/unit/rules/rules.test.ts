// Each action on a head, with a SampleContext described by the test.

import test from 'ava';
import { ProxyAcls } from '../../../src/acl/index.ts';
import {
  applyHttpRules,
  compileHttpRule,
  type HttpRule,
  type HttpRulePhase,
  type MutableHead,
  replyBytes,
  RuleError,
} from '../../../src/rules/index.ts';
import { fakeContext, type FakeExchange } from '../acl/context.ts';

const pos = { file: 'h.cfg', line: 7 };
const files: Record<string, string> = { '/etc/hawser/page.html': '<p>maintenance</p>\n' };
const opts = {
  loadFile: (p: string): string => {
    const f = files[p];
    if (f === undefined) throw new Error('ENOENT');
    return f;
  },
};

function compile(phase: HttpRulePhase, lines: string[], acls = new ProxyAcls()): HttpRule[] {
  return lines.map((l) => {
    const r = compileHttpRule(phase, l.split(' '), acls, pos, opts);
    if (r instanceof RuleError) throw new Error(r.toString());
    return r;
  });
}

function err(phase: HttpRulePhase, line: string): RuleError {
  const r = compileHttpRule(phase, line.split(' '), new ProxyAcls(), pos, opts);
  if (!(r instanceof RuleError)) throw new Error(`compiled: ${line}`);
  return r;
}

function reqHead(target: string, headers: string[], method = 'GET'): MutableHead {
  return { method, target, status: 0, reason: '', headers: [...headers] };
}

function run(lines: string[], head: MutableHead, x: FakeExchange = {}, phase: HttpRulePhase = 'request') {
  const ctx = fakeContext({ method: head.method, url: head.target, headers: head.headers, ...x });
  return applyHttpRules(compile(phase, lines), head, ctx);
}

test('set-header replaces every occurrence, case-insensitively, at the end', (t) => {
  const h = reqHead('/', ['Host', 'a', 'x-client', '1', 'Accept', '*/*', 'X-CLIENT', '2']);
  const out = run(['set-header X-Client %[src]'], h, { src: '10.1.2.3' });
  t.is(out.kind, 'continue');
  t.deepEqual(h.headers, ['Host', 'a', 'Accept', '*/*', 'X-Client', '10.1.2.3']);
});

test('add-header appends, del-header removes with -m methods', (t) => {
  const h = reqHead('/', ['Host', 'a', 'X-Foo-1', '1', 'x-foo-2', '2', 'Cookie', 'c', 'X-Bar', 'b']);
  run(['add-header X-Foo-1 new', 'del-header x-FOO- -m beg'], h);
  t.deepEqual(h.headers, ['Host', 'a', 'Cookie', 'c', 'X-Bar', 'b']);
  run(['del-header ^x- -m reg', 'del-header KIE -m end', 'del-header os -m sub'], h);
  t.deepEqual(h.headers, []);
  const h2 = reqHead('/', ['Host', 'a', 'HOST', 'b', 'hostx', 'c']);
  run(['del-header host'], h2);
  t.deepEqual(h2.headers, ['hostx', 'c']);
});

test('replace-header replaces the whole value by the expansion (HAProxy exp_replace), replace-value each list item', (t) => {
  const h = reqHead('/', ['X-A', 'abcd', 'x-a', 'zzz', 'X-L', 'foo=1,  bar=2 , foo=3']);
  run(['replace-header x-a b(.) Z\\1', 'replace-value X-L ^foo=(.*) F\\1'], h);
  // a replaced item loses the blanks around it, as in HAProxy (haproxy-crosscheck.test.ts)
  t.deepEqual(h.headers, ['X-A', 'Zc', 'x-a', 'zzz', 'X-L', 'F1,  bar=2 ,F3']);
});

test('path, query, uri and method rewrites (origin and absolute form)', (t) => {
  const h = reqHead('/a/b?x=1', []);
  run(['set-path /new%[path]', 'set-query q=%[method]', 'set-method POST'], h);
  t.is(h.target, '/new/a/b?q=GET');
  t.is(h.method, 'POST');
  const a = reqHead('http://h.example/a?x', []);
  run(['set-path /p', 'replace-path ^/(.*) /v1/\\1'], a);
  t.is(a.target, 'http://h.example/v1/p?x');
  const u = reqHead('/old/x?y', []);
  run(['replace-uri ^/old/(.*) /new/\\1', 'replace-pathq nomatch /z'], u);
  t.is(u.target, '/new/x?y');
  run(['set-uri /whole'], u);
  t.is(u.target, '/whole');
});

test('conditions choose the rules; order matters; allow stops, deny is final', (t) => {
  const acls = new ProxyAcls();
  acls.declare(['api', 'path_beg', '/api/'], pos);
  const rules = compile('request', [
    'set-header X-Api yes if api',
    'set-header X-Api no unless api',
    'allow if { hdr(x-trusted) 1 }',
    'deny deny_status 429 if api',
    'set-header X-Late 1',
  ], acls);
  const h1 = reqHead('/api/v1', ['X-Trusted', '1']);
  t.is(applyHttpRules(rules, h1, fakeContext({ url: h1.target, headers: h1.headers })).kind, 'continue');
  t.deepEqual(h1.headers, ['X-Trusted', '1', 'X-Api', 'yes']);
  const h2 = reqHead('/api/v1', []);
  const out = applyHttpRules(rules, h2, fakeContext({ url: h2.target, headers: h2.headers }));
  t.is(out.kind, 'deny');
  t.is(out.kind === 'deny' ? out.status : 0, 429);
  t.deepEqual(h2.headers, ['X-Api', 'yes']);
  const h3 = reqHead('/', []);
  t.is(applyHttpRules(rules, h3, fakeContext({ url: '/', headers: h3.headers })).kind, 'continue');
  t.deepEqual(h3.headers, ['X-Api', 'no', 'X-Late', '1']);
});

test('deny renders HAProxy 2.6 error page; tarpit carries its status', (t) => {
  const out = run(['deny'], reqHead('/', []));
  if (out.kind !== 'deny') return t.fail();
  t.is(
    replyBytes(out.reply).toString('latin1'),
    'HTTP/1.1 403 Forbidden\r\ncontent-length: 93\r\ncache-control: no-cache\r\ncontent-type: text/html\r\n\r\n' +
      '<html><body><h1>403 Forbidden</h1>\nRequest forbidden by administrative rules.\n</body></html>\n',
  );
  t.true(replyBytes(out.reply, 'close').toString('latin1').includes('content-type: text/html\r\nconnection: close\r\n\r\n<html>'));
  const tp = run(['tarpit'], reqHead('/', []));
  t.is(tp.kind, 'tarpit');
  t.is(tp.kind === 'tarpit' ? tp.status : 0, 500);
  const rd = run(['deny'], { method: '', target: '', status: 200, reason: 'OK', headers: [] }, { status: 200, response: true }, 'response');
  t.is(rd.kind === 'deny' ? rd.status : 0, 502);
});

test('return renders status, hdr, content-length, content-type and the body (string, lf-string, file)', (t) => {
  const out = run(['return status 200 content-type text/plain string hi hdr X-A b'], reqHead('/', []));
  if (out.kind !== 'return') return t.fail();
  t.is(replyBytes(out.reply).toString('latin1'), 'HTTP/1.1 200 OK\r\nx-a: b\r\ncontent-length: 2\r\ncontent-type: text/plain\r\n\r\nhi');
  const lf = run(['return status 201 content-type text/html lf-string p=%[path] hdr X-M %[method]'], reqHead('/ret4', []));
  if (lf.kind !== 'return') return t.fail();
  t.is(replyBytes(lf.reply).toString('latin1'), 'HTTP/1.1 201 Created\r\nx-m: GET\r\ncontent-length: 7\r\ncontent-type: text/html\r\n\r\np=/ret4');
  const f = run(['return status 503 content-type text/html file /etc/hawser/page.html'], reqHead('/', []));
  if (f.kind !== 'return') return t.fail();
  t.is(f.reply.body.toString(), '<p>maintenance</p>\n');
  t.true(f.reply.head.startsWith('HTTP/1.1 503 Service Unavailable\r\n'));
  const e = run(['return status 302 hdr location /zz'], reqHead('/', []));
  if (e.kind !== 'return') return t.fail();
  t.is(replyBytes(e.reply).toString('latin1'), 'HTTP/1.1 302 Moved Temporarily\r\nlocation: /zz\r\ncontent-length: 0\r\n\r\n');
});

test('redirect location, prefix, scheme with options, bytes as HAProxy 2.6 sends them', (t) => {
  const cases: [string, string, string][] = [
    ['redirect location /x code 302', '/r1', 'HTTP/1.1 302 Found\r\ncontent-length: 0\r\nlocation: /x\r\ncache-control: no-cache\r\n\r\n'],
    ['redirect prefix /p', '/r2/a?q=1', 'HTTP/1.1 302 Found\r\ncontent-length: 0\r\nlocation: /p/r2/a?q=1\r\ncache-control: no-cache\r\n\r\n'],
    ['redirect prefix /p drop-query append-slash code 301', '/r3/a?q=1', 'HTTP/1.1 301 Moved Permanently\r\ncontent-length: 0\r\nlocation: /p/r3/a/\r\n\r\n'],
    ['redirect scheme https', '/r4/a?q=1', 'HTTP/1.1 302 Found\r\ncontent-length: 0\r\nlocation: https://h.example/r4/a?q=1\r\ncache-control: no-cache\r\n\r\n'],
    ['redirect location /x set-cookie A=B', '/', 'HTTP/1.1 302 Found\r\ncontent-length: 0\r\nlocation: /x\r\ncache-control: no-cache\r\nset-cookie: A=B; path=/;\r\n\r\n'],
    ['redirect location /x clear-cookie A', '/', 'HTTP/1.1 302 Found\r\ncontent-length: 0\r\nlocation: /x\r\ncache-control: no-cache\r\nset-cookie: A; path=/; Max-Age=0;\r\n\r\n'],
    ['redirect location /y%[path] code 308', '/r7', 'HTTP/1.1 308 Permanent Redirect\r\ncontent-length: 0\r\nlocation: /y/r7\r\n\r\n'],
  ];
  for (const [line, target, bytes] of cases) {
    const out = run([line], reqHead(target, ['Host', 'h.example']));
    if (out.kind !== 'redirect') return t.fail(line);
    t.is(replyBytes(out.reply).toString('latin1'), bytes, line);
  }
  t.is(run(['redirect location %[hdr(x-none)] ignore-empty'], reqHead('/', [])).kind, 'continue', 'an absent sample renders ""');
  t.is(run(['redirect location /a%[hdr(x-none)]'], reqHead('/', [])).kind, 'redirect');
  t.is(run(['redirect location %[hdr(x-e)] ignore-empty'], reqHead('/', ['X-E', ''])).kind, 'continue');
});

test('set-status in response rules, with HAProxy reason or the given one', (t) => {
  const h: MutableHead = { method: '', target: '', status: 200, reason: 'OK', headers: ['Server', 'x'] };
  run(['set-status 503', 'del-header server', 'set-header Strict-Transport-Security max-age=1'], h, { status: 200, response: true }, 'response');
  t.deepEqual([h.status, h.reason, h.headers], [503, 'Service Unavailable', ['Strict-Transport-Security', 'max-age=1']]);
  run(['set-status 299 reason Fine'], h, {}, 'after-response');
  t.deepEqual([h.status, h.reason], [299, 'Fine']);
});

test('bad lines get stable codes and HAProxy-like messages', (t) => {
  const u = err('request', 'denyy');
  t.is(u.code, 'HAWSER_RULE_UNKNOWN_ACTION');
  t.regex(u.toString(), /^HAWSER_RULE_UNKNOWN_ACTION h\.cfg:7: 'http-request' expects 'allow', .* but got 'denyy'\. \(did you mean 'deny'\?\)$/);
  t.is(err('after-response', 'deny').code, 'HAWSER_RULE_UNKNOWN_ACTION');
  t.is(err('request', 'set-status 200').code, 'HAWSER_RULE_UNKNOWN_ACTION');
  t.is(err('request', 'wait-for-handshake').code, 'HAWSER_RULE_UNSUPPORTED');
  t.is(err('request', 'set-header X %ci').code, 'HAWSER_RULE_UNSUPPORTED');
  t.regex(err('request', 'set-header X %ci').message, /not supported yet/);
  const bad: [string, string, RegExp][] = [
    ['request', 'set-header X', /expects exactly 2 arguments\.$/],
    ['request', 'set-header X a b', /'http-request set-header' expects either 'if' or 'unless' followed by a condition but found 'b'\./],
    ['request', 'deny deny_status 418', /status code '418' not handled by default/],
    ['request', 'deny deny_status 600', /Unexpected status code '600'/],
    ['request', 'return string hi', /a content type must be defined when non-empty payload is configured\./],
    ['request', 'return status 204 content-type a string x', /No body expected for 204 responses/],
    ['request', 'redirect', /redirection type expected/],
    ['request', 'redirect location /x code 305', /unsupported HTTP code '305'/],
    ['request', 'redirect location /x foo', /\(was 'foo'\)/],
    ['request', 'del-header X -m foo', /-m with unsupported matching method 'foo'/],
    ['request', 'replace-header X ( y', /regex '\(' is invalid/],
    ['request', 'return status 200 content-type a file /nope', /error opening file '\/nope'/],
    ['response', 'set-status 99', /between 100 and 999/],
    ['request', 'set-path', /expects exactly 1 argument <format>/],
    ['request', 'track-sc0 src bogus', /^'http-request track-sc0' expects either 'if' or 'unless' followed by a condition but found 'bogus'\.$/],
    ['request', 'sc-inc-gpc0(1) bogus', /^'http-request sc-inc-gpc0\(1\)' expects either 'if' or 'unless' followed by a condition but found 'bogus'\.$/],
    ['response', 'sc-set-gpt0 7 bogus', /^'http-response sc-set-gpt0' expects either 'if' or 'unless' followed by a condition but found 'bogus'\.$/],
  ];
  for (const [phase, line, re] of bad) t.regex(err(phase as HttpRulePhase, line).message, re, line);
  const c = err('request', 'set-header X %[nope]');
  t.is(c.code, 'HAWSER_ACL_UNKNOWN_FETCH');
  const cond = err('request', 'deny if nosuchacl');
  t.is(cond.code, 'HAWSER_ACL_UNKNOWN_ACL');
});
