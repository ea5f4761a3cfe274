// Our rules against the installed haproxy 2.6, the reference. For each case
// of the table, haproxy runs a frontend with the case's rules in front of a
// node:http backend that echoes the request head it received, and answers
// with fixed headers for the response rules. A real client sends the case's
// request. We apply the same rules to the same request and must agree on the
// decision and status, on the request the backend saw (method, target,
// headers), and on the response headers the client saw.

import test from 'ava';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProxyAcls } from '../../../src/acl/index.ts';
import { applyHttpRules, compileHttpRule, type HttpRule, type HttpRulePhase, type MutableHead, RuleError } from '../../../src/rules/index.ts';
import { freePorts, waitListening } from '../../support/ports.ts';
import { INSTALL_HINT } from '../cli/reference-haproxy.ts';
import { fakeContext } from '../acl/context.ts';

interface Case {
  rules: string[];
  method?: string;
  path: string;
  headers?: string[];
}

/** The backend's response fields, seen by response rules. */
const RES_FIELDS = ['X-Server', 'app1', 'X-List', 'a=1, b=2', 'Cache-Control', 'private'];

const CASES: Case[] = [
  { rules: ['http-request set-header X-Client %[src]'], path: '/', headers: ['X-Client', 'forged', 'x-client', 'twice'] },
  { rules: ['http-request set-header X-Missing %[req.hdr(x-none)]'], path: '/' },
  { rules: ['http-request add-header X-A 1', 'http-request add-header x-a 2%%'], path: '/', headers: ['X-A', '0'] },
  { rules: ['http-request del-header x-foo'], path: '/', headers: ['X-Foo', '1', 'X-FOO', '2', 'X-Foobar', '3'] },
  { rules: ['http-request del-header x-f -m beg', 'http-request del-header ^x-[0-9] -m reg'], path: '/', headers: ['X-Foo', '1', 'X-1', '2', 'Y-F', '3'] },
  { rules: ['http-request replace-header X-A b(.) Z\\1'], path: '/', headers: ['X-A', 'abcd', 'X-A', 'none'] },
  { rules: ['http-request replace-value X-L ^foo=(.*) F\\1'], path: '/', headers: ['X-L', 'foo=1, bar=2,foo=3'] },
  { rules: ['http-request replace-value X-L ^foo=(.*) F\\1'], path: '/', headers: ['X-L', 'foo=1 ,  bar=2 , foo=3 ,x'] },
  { rules: ['http-request set-path /new%[path]'], path: '/a/b?x=1' },
  { rules: ['http-request set-query q=1'], path: '/a?x=1' },
  { rules: ['http-request set-query q=1'], path: '/a' },
  { rules: ['http-request set-uri /u?%[method]'], path: '/a?x' },
  { rules: ['http-request replace-path ^/api/(.*) /v2/\\1'], path: '/api/users?id=3' },
  { rules: ['http-request replace-path ^/nomatch /x'], path: '/api/users' },
  { rules: ['http-request set-method PUT'], method: 'POST', path: '/m' },
  { rules: ['http-request deny if { path_beg /adm }'], path: '/admin' },
  { rules: ['http-request deny deny_status 429 if { path_beg /adm }'], path: '/admin' },
  { rules: ['http-request deny if { path_beg /adm }'], path: '/public' },
  { rules: ['http-request allow if { hdr(x-ok) 1 }', 'http-request deny'], path: '/', headers: ['X-Ok', '1'] },
  { rules: ['http-request allow if { hdr(x-ok) 1 }', 'http-request deny'], path: '/' },
  { rules: ['http-request set-header X-Api 1 if { path_beg /api }', 'http-request set-header X-Api 0 unless { path_beg /api }'], path: '/api/x' },
  { rules: ['http-request return status 404 content-type text/plain string nope hdr X-R %[path]'], path: '/r' },
  { rules: ['http-request redirect location /x code 302'], path: '/r1' },
  { rules: ['http-request redirect prefix /p append-slash'], path: '/r2/a?q=1' },
  { rules: ['http-request redirect scheme https code 301 drop-query'], path: '/r4/a?q=1', headers: ['Host', 'h.example'] },
  { rules: ['http-response set-header X-Server hidden', 'http-response del-header cache-control'], path: '/' },
  { rules: ['http-response add-header Strict-Transport-Security max-age=63072000'], path: '/' },
  { rules: ['http-response replace-value X-List ^a=(.*) A\\1', 'http-response replace-header X-Server app(.*) srv\\1'], path: '/' },
  { rules: ['http-response set-status 503 reason Maint', 'http-response set-header X-S %[status]'], path: '/' },
  { rules: ['http-response set-status 418'], path: '/' },
  { rules: ['http-response deny if { res.hdr(x-server) app1 }'], path: '/' },
  { rules: ['http-after-response set-header X-After 1', 'http-after-response set-status 201'], path: '/' },
];

interface Seen {
  status: number;
  /** The client's response fields, lower-cased names, without framing and dates. */
  client: string[];
  /** What the backend received, or null when it was not reached. */
  backend: { method: string; url: string; headers: string[] } | null;
}

const dir = mkdtempSync(join(tmpdir(), 'hawser-rules-'));
let child: ChildProcess | undefined;
let backend: Server | undefined;
let lastSeen: Seen['backend'] = null;

test.after.always(() => {
  if (child !== undefined && child.exitCode === null) child.kill('SIGKILL');
  backend?.close();
  rmSync(dir, { recursive: true, force: true });
});

const SKIP = new Set(['connection', 'content-length', 'date', 'transfer-encoding', 'keep-alive']);

function pairs(raw: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const n = raw[i]!.toLowerCase();
    if (!SKIP.has(n)) out.push(n, raw[i + 1]!);
  }
  return out;
}

function send(port: number, c: Case): Promise<Seen> {
  return new Promise((resolve, reject) => {
    lastSeen = null;
    const headers: [string, string][] = [];
    const h = c.headers ?? [];
    if (!h.some((x, i) => i % 2 === 0 && x.toLowerCase() === 'host')) headers.push(['Host', 'h.example']);
    for (let i = 0; i < h.length; i += 2) headers.push([h[i]!, h[i + 1]!]);
    const req = request({ host: '127.0.0.1', port, method: c.method ?? 'GET', path: c.path, headers: headers.flat() as unknown as Record<string, string>, agent: false, timeout: 5000 }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, client: pairs(res.rawHeaders), backend: lastSeen }));
    });
    req.on('timeout', () => req.destroy(new Error('no answer in time')));
    req.on('error', reject);
    req.end();
  });
}

/** What Hawser decides and produces for the same case. */
function ours(c: Case): Seen {
  const acls = new ProxyAcls();
  const by: Record<HttpRulePhase, HttpRule[]> = { request: [], response: [], 'after-response': [] };
  for (const line of c.rules) {
    const words = line.split(' ');
    const phase = words[0]!.slice(5) as HttpRulePhase;
    const r = compileHttpRule(phase, words.slice(1), acls, { file: 'x.cfg', line: 1 }, { loadFile: () => '' });
    if (r instanceof RuleError) throw new Error(r.toString());
    by[phase].push(r);
  }
  const reqFields = [...(c.headers ?? [])];
  if (!reqFields.some((x, i) => i % 2 === 0 && x.toLowerCase() === 'host')) reqFields.unshift('Host', 'h.example');
  const req: MutableHead = { method: c.method ?? 'GET', target: c.path, status: 0, reason: '', headers: reqFields };
  const ctx = fakeContext({ src: '127.0.0.1', method: req.method, url: req.target, headers: req.headers });
  const out = applyHttpRules(by.request, req, ctx);
  if (out.kind !== 'continue') {
    const fields = out.reply.head.split('\r\n').slice(1, -1).flatMap((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 2)]);
    return { status: out.status, client: pairs(fields), backend: null };
  }
  const seen = { method: req.method, url: req.target, headers: pairs(req.headers) };
  const res: MutableHead = { method: '', target: '', status: 200, reason: 'OK', headers: [...RES_FIELDS] };
  // as the session's context will: samples read the head as edited so far
  const rctx = { ...fakeContext({ src: '127.0.0.1', response: true, status: 200, responseHeaders: res.headers, url: req.target, headers: req.headers }), status: () => res.status };
  const rout = applyHttpRules(by.response, res, rctx);
  if (rout.kind !== 'continue') {
    return { status: rout.status, client: pairs(rout.reply.head.split('\r\n').slice(1, -1).flatMap((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 2)])), backend: seen };
  }
  applyHttpRules(by['after-response'], res, rctx);
  return { status: res.status, client: pairs(res.headers), backend: seen };
}


test('rules decide and rewrite as haproxy 2.6 does', async (t) => {
  const ports = await freePorts(CASES.length + 1);
  const bePort = ports[CASES.length]!;
  backend = createServer((req, res) => {
    lastSeen = { method: req.method ?? '', url: req.url ?? '', headers: pairs(req.rawHeaders) };
    res.writeHead(200, RES_FIELDS as unknown as Record<string, string>);
    res.end('ok');
  });
  await new Promise<void>((r) => backend!.listen(bePort, '127.0.0.1', r));
  const cfg = ['defaults', '  mode http', '  timeout connect 1s', '  timeout client 5s', '  timeout server 5s'];
  CASES.forEach((c, i) => cfg.push(`frontend f${i}`, `  bind 127.0.0.1:${ports[i]}`, ...c.rules.map((r) => '  ' + r), '  default_backend be'));
  cfg.push('backend be', `  server s1 127.0.0.1:${bePort}`, '');
  const cfgPath = join(dir, 'haproxy.cfg');
  writeFileSync(cfgPath, cfg.join('\n'));
  child = spawn('haproxy', ['-db', '-f', cfgPath], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const spawned = await new Promise<boolean>((res) => {
    child!.on('error', () => res(false));
    child!.on('spawn', () => res(true));
  });
  if (!spawned) return t.fail(INSTALL_HINT);
  try {
    await waitListening(ports[CASES.length - 1]!, child);
  } catch (e) {
    return t.fail(`${(e as Error).message}\n${stderr}`);
  }
  const differ: string[] = [];
  for (let i = 0; i < CASES.length; i++) {
    const c = CASES[i]!;
    const theirs = await send(ports[i]!, c);
    const mine = ours(c);
    if (JSON.stringify(mine) !== JSON.stringify(theirs)) {
      differ.push(`${c.rules.join(' ; ')} on ${c.method ?? 'GET'} ${c.path}\n  haproxy: ${JSON.stringify(theirs)}\n  hawser:  ${JSON.stringify(mine)}`);
    }
  }
  t.deepEqual(differ, []);
  t.true(CASES.length > 30);
});
